"""Command line: ``ispdesk <group> <command> …``; no subcommand opens the GUI."""
