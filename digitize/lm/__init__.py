"""The data of the diacritics model (see :mod:`digitize.diacritics`) and the script that builds it.

``corpus.txt`` holds administrative phrases written for this project; ``model.json`` is derived
from it, from Tesseract's own Vietnamese word list and from the project's phrase and name lists
by ``python -m digitize.lm.build``. General syllable frequencies come at run time from the
installed ``wordfreq`` package, so its data is used where it is installed, never copied here.
"""
