"""Qt table models over plain rows (frozen dataclasses), never a live session."""
