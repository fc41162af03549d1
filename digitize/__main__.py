from digitize.cli.main import entry

entry()
