"""Reading ids from query strings without letting odd text reach the database."""


def id_param(value: str | None) -> int | None:
    """The id `value` spells, or None: decimal digits only (int("²") fails though "²".isdigit()),
    and few enough for a 64-bit column (a 20-digit id overflows SQLite)."""
    if value and value.isdecimal() and len(value) <= 18:
        return int(value)
    return None
