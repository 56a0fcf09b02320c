"""The words of a synthetic plan and its reporting: what milestones, initiatives and
commitments are about, the reasons given for ratings, the narratives of progress updates and
the notes reviewers return them with, and the indicators a workstream measures itself by.

Every text made from these says it is synthetic: a title starts "Synthetic", a reason
"Synthetic reason:", a narrative "Synthetic update, not a real report:".
"""

from workstreams.models import Indicator, Output

MILESTONE_EVENTS = [
    "pilot line commissioned",
    "first batch released",
    "consortium agreement signed",
    "funding competition opened",
    "funding competition closed",
    "interim report published",
    "demonstrator opened",
    "regulatory engagement workshop held",
    "training cohort started",
    "training cohort completed",
    "design review passed",
    "site acceptance test passed",
    "data platform launched",
    "industry consultation closed",
]
INITIATIVE_KINDS = [
    "demonstrator programme",
    "skills network",
    "data platform",
    "collaborative research programme",
    "regulatory sandbox",
    "supplier development programme",
]
COMMITMENT_ACTIONS = [
    "Establish a national capability in",
    "Publish a roadmap for",
    "Develop an end-to-end talent plan for",
    "Fund a demonstrator of",
    "Agree common standards for",
    "Set up an industry forum on",
    "Report annually on progress in",
]
# The kinds of output commitments come from, and what a place in each is called.
SOURCE_KINDS = [
    (Output.Kind.ACTION_PLAN, "action plan", "Recommendation"),
    (Output.Kind.STRATEGY, "strategy", "Priority"),
    (Output.Kind.ROADMAP, "roadmap", "Grand challenge"),
]
EVIDENCE_KINDS = [
    (Output.Kind.REPORT, "report"),
    (Output.Kind.CASE_STUDY, "case study"),
    (Output.Kind.BRIEFING_PAPER, "briefing paper"),
]

REASONS = {
    "green": [
        "Synthetic reason: work is going to plan and the partners report no risks.",
        "Synthetic reason: funding is in place and the delivery team is complete.",
        "Synthetic reason: the last stage was passed on time.",
    ],
    "amber": [
        "Synthetic reason: equipment has been delivered late by a supplier.",
        "Synthetic reason: recruitment of specialist staff is behind plan.",
        "Synthetic reason: a partner has asked to change the scope.",
        "Synthetic reason: regulatory advice is awaited before the next stage.",
    ],
    "red": [
        "Synthetic reason: the funding for the next stage has not been agreed.",
        "Synthetic reason: the lead partner has withdrawn.",
        "Synthetic reason: the site cannot be used until it is refurbished.",
    ],
}
NARRATIVES = {
    "": "Synthetic update, not a real report: work continued as planned this period.",
    "planned": "Synthetic update, not a real report: the work is scheduled and not yet started.",
    "on-track": "Synthetic update, not a real report: work has started and is on track.",
    "in-progress": "Synthetic update, not a real report: work is under way.",
    "at-risk": "Synthetic update, not a real report: delivery is at risk and a new date is forecast.",
    "done": "Synthetic update, not a real report: the work is done.",
    "delivered": "Synthetic update, not a real report: the commitment has been delivered.",
    "dropped": "Synthetic update, not a real report: the partners have agreed to stop this work.",
    "period": "Synthetic update, not a real report: the figure for the period has been collected.",
    "workstream": "Synthetic update, not a real report: the workstream's quarter in brief.",
}
RETURN_NOTES = [
    "Synthetic note: please name the source of the figure.",
    "Synthetic note: please say what caused the delay.",
    "Synthetic note: please link the evidence that this is done.",
]

# (unit, direction, cumulative, what is counted): what synthetic indicators measure.
INDICATOR_KINDS = [
    (Indicator.Unit.PEOPLE, Indicator.Direction.HIGHER, True, "people trained in"),
    (Indicator.Unit.ORGANISATIONS, Indicator.Direction.HIGHER, True, "companies adopting"),
    (Indicator.Unit.JOBS, Indicator.Direction.HIGHER, False, "jobs supported in"),
    (Indicator.Unit.GBP, Indicator.Direction.HIGHER, True, "private investment in"),
    (
        Indicator.Unit.ORGANISATIONS,
        Indicator.Direction.LOWER,
        False,
        "organisations reporting skills gaps in",
    ),
    (Indicator.Unit.GBP, Indicator.Direction.LOWER, False, "cost of imports for"),
]
