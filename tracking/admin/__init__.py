"""Staff pages for tracking: who reports on and reviews each workstream (roles.py),
commitments (commitments.py), reporting rounds (rounds.py), progress updates and their review
(updates.py), the kept history of status and rating (changes.py), and what tracking adds to
the pages of workstreams' records (extending.py).

Which updates a member of staff sees, writes and reviews follows their roles in each
workstream (WorkstreamRole); their groups (Reporters, Reviewers) say only which kinds of
page they may open. The review's buttons and actions call tracking/services.py, and a
refusal comes back as a message on the page."""

# Each module registers its pages when imported.
from tracking.admin import changes, commitments, extending, roles, rounds, updates

__all__ = ["changes", "commitments", "extending", "roles", "rounds", "updates"]
