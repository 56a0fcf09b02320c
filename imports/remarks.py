"""What reading a grant has to say about it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Remark:
    """A problem (the grant cannot be imported) or a note (it can, and staff should know
    something about how it was read): the grant, the field, and what is wrong in words."""

    message: str
    path: tuple = ()
