"""Masking personal numbers for roles without "reveal" (SECURITY.md T2). Done on the server."""


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile; for other numbers keep at most the last 4 digits."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)
