"""The program's rules as pure Python. Nothing here imports Django (see README.md)."""
