"""The shape of a format description: its fields, their header aliases and value kinds."""
from __future__ import annotations

from dataclasses import dataclass

KINDS = ("text", "money", "qty", "int", "timestamp", "date", "order_id")


@dataclass(frozen=True)
class Field:
    """One value the ETL takes from a file column."""

    name: str                          # column name in the typed stage
    headers: tuple[str, ...]           # accepted header names, the canonical one first
    kind: str = "text"
    required_header: bool = False      # the file must have the column
    required_value: bool = False       # every row must have a value
    personal: bool = False             # personal data: used (e.g. hashed) but never stored or shown
    not_after_load: bool = False       # a date of sale or of a meeting: never later than the load (a typo like 2092)
    only_when: str | None = None       # SQL over the typed row: the value is used (and checked) only then

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind


@dataclass(frozen=True)
class Format:
    """One export format: its fields, the table it loads and the key a newer export replaces by."""

    name: str
    label: str
    table: str
    fields: tuple[Field, ...]
    group_key: tuple[str, ...]         # rows sharing it are replaced together by a newer export
    channel: str | None = None         # the channel (etl.channels) whose sales it feeds; None for reference files
    checks: tuple[tuple[str, str, str], ...] = ()  # (field, SQL condition on typed rows that rejects, reason code)
    dedupe: bool = False               # a repeated group key inside one file is a duplicate row
    derived: tuple[tuple[str, str], ...] = ()  # (name, SQL over typed fields) computed before the checks
    # a clean CSV is read straight into its table in one pass (its load query needs no file row number);
    # a file with any bad row, or a key repeated within it, is staged and checked row by row instead
    one_pass: bool = False
    # the file's money total as the load counts it, as SQL over a row of its table (reconciled on every load)
    amount: str | None = None
    # which of two versions of one key stands when two exports hold it: SQL over the table's row `t` and its
    # load `l`, compared as a value (the larger stands; on a tie the later load). Default: the newer export.
    precedence: str = "l.exported_at"
    # columns that never go down across versions of a key (a Tmall refund): the standing row takes the largest
    never_shrinks: tuple[str, ...] = ()
    # SQL giving lines worth telling about a load of this format (its load_id the one parameter)
    notices: str | None = None

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def centered(self) -> bool:
        """Whether its rows belong to one center (a channel's sales and leads); reference files are network-wide."""
        return self.channel is not None

    @property
    def stored_fields(self) -> tuple[Field, ...]:
        """The fields its table keeps as typed when it has no load query of its own: all but personal data."""
        return tuple(f for f in self.fields if not f.personal)


# the column type of a field of each kind in a table made from the declarations
COLUMN_TYPES = {"text": "varchar", "order_id": "varchar", "money": "decimal(18, 2)", "qty": "decimal(18, 3)",
                "int": "integer", "timestamp": "timestamp", "date": "date"}
