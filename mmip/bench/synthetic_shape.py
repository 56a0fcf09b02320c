"""What a synthetic record looks like: its marks, its years, the names, places, topics and
kinds of activity its records are drawn from, and the spread of award dates, amounts and
statuses.

Every name and slug it makes carries the marks below; generate_synthetic finds its own
records by them, to replace them, and tells a database holding the real record by their
absence.
"""

import datetime
import math
import random
from decimal import Decimal

from funding.models import Award
from mmip.dates import DatePrecision
from mmip.models import Organisation

AWARD_PREFIX = "360G-MMIP-SYN-"
# A slug (or a member of staff's user name): "synthetic-", words, and a number of at least
# four figures, as ten thousand milestones need five.
SLUG_PATTERN = r"^synthetic-[a-z0-9-]+-[0-9]{4,}$"
ROUND_PREFIX = "Synthetic round "
FIRST_YEAR, LAST_YEAR = 2005, 2025

WORKSTREAMS = [
    "Advanced therapies",
    "Digital and data",
    "Skills and talent",
    "Regulatory innovation",
    "Supply chain resilience",
    "Sustainable manufacturing",
]
FUNDER_KINDS = [
    ("Medicines Research Council", Organisation.Kind.PUBLIC_BODY),
    ("Innovation Agency", Organisation.Kind.FUNDER),
    ("Department for Industry", Organisation.Kind.GOVERNMENT_DEPARTMENT),
    ("Health Foundation", Organisation.Kind.CHARITY),
    ("Manufacturing Investment Fund", Organisation.Kind.FUNDER),
]
RECIPIENT_KINDS = [
    ("{} Biologics Ltd", Organisation.Kind.COMPANY, 5),
    ("{} Pharma Ltd", Organisation.Kind.COMPANY, 5),
    ("{} Process Systems Ltd", Organisation.Kind.COMPANY, 3),
    ("University of {}", Organisation.Kind.UNIVERSITY, 3),
    ("{} Manufacturing Innovation Centre", Organisation.Kind.CATAPULT, 1),
    ("{} Skills Academy", Organisation.Kind.TRAINING_PROVIDER, 1),
    ("{} Life Sciences Trust", Organisation.Kind.CHARITY, 1),
]
PLACES = [
    "Northgate", "Easton", "Westmoor", "Southbridge", "Ashford Vale", "Kelmarsh", "Dunmore",
    "Brackenfield", "Hollins", "Carrow", "Penrith Moss", "Glenarrow", "Tywyn Bay", "Lough Erin",
]  # fmt: skip
TOPICS = [
    "continuous manufacturing of oral solid doses",
    "viral vector process intensification",
    "cell therapy scale-up",
    "digital twins for tablet compression",
    "mRNA formulation and fill",
    "biologics purification",
    "real-time release testing",
    "sterile fill-finish automation",
    "solvent recovery and greener chemistry",
    "medicines supply chain resilience",
    "bioprocessing skills",
    "advanced therapy apprenticeships",
]
ACTIVITIES = [
    "feasibility study",
    "collaborative research and development",
    "industrial demonstrator",
    "capital investment",
    "training programme",
    "knowledge transfer partnership",
    "scale-up project",
]
# About two awards in three dated to the day, a quarter to the month, one in ten to the year.
PRECISIONS = [DatePrecision.DAY] * 13 + [DatePrecision.MONTH] * 5 + [DatePrecision.YEAR] * 2


def a_or_an(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def award_dates(rng: random.Random, count: int) -> list[tuple[datetime.date, str]]:
    # More awards in later years, as the programme grew; sorted so identifiers run in
    # date order and a follow-on always comes after the award it continues.
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    weights = [1 + 0.15 * (year - FIRST_YEAR) for year in years]
    dates = []
    for year in rng.choices(years, weights=weights, k=count):
        precision = rng.choice(PRECISIONS)
        month = 1 if precision == DatePrecision.YEAR else rng.randint(1, 12)
        day = rng.randint(1, 28) if precision == DatePrecision.DAY else 1
        dates.append((datetime.date(year, month, day), precision))
    dates.sort()
    return dates


def award_amount(rng: random.Random) -> Decimal:
    # Log-normal, as grant sizes are: many around £150,000, a long tail into millions.
    pounds = min(60_000_000, max(5_000, rng.lognormvariate(math.log(150_000), 1.3)))
    step = 1000 if pounds >= 100_000 else 10
    return Decimal(round(pounds / step) * step).quantize(Decimal("0.01"))


def award_status(rng: random.Random, award_date: datetime.date) -> str:
    if rng.random() < 0.02:
        return Award.Status.WITHDRAWN
    if award_date.year <= LAST_YEAR - 5:
        return Award.Status.CLOSED
    return rng.choice((Award.Status.AWARDED, Award.Status.ACTIVE))
