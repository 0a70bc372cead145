from mieb.cli import entry

entry()
