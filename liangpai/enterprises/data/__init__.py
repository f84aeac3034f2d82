"""Reference data shipped with the enterprises app (public standards, no personal data)."""
