"""Outbound parts: what ispdesk says to the world (SMTP today; gateways, RADIUS next).

Adapters only talk to the outside; they never open a unit of work. The services decide, record the
effect in the outbox in the same transaction as its cause, and hand the rows to an adapter.
"""
