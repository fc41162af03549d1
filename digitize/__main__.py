from digitize.cliutil import entry

entry()
