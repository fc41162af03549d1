"""The `digitize` command line.

:mod:`digitize.cli.main` builds the command group and is the console script's entry point; it
imports the command modules (:mod:`~digitize.cli.run`, :mod:`~digitize.cli.store_commands`,
:mod:`~digitize.cli.queue`, :mod:`~digitize.cli.doctor`), which import the shared
:mod:`~digitize.cli.output` and :mod:`~digitize.cli.progress`: downward only, never back. This
package module imports nothing, so importing one command's module does not build the others.
Nothing outside the command line imports it.
"""
