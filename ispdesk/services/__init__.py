"""Use cases: one function per user action, run in one unit of work with an actor and a clock."""
