"""`python -m ispdesk` entry point."""

from ispdesk.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
