"""Modules that append to the lists in `ispdesk.services.hooks` when imported."""
