"""Reference data read from the files in ``twinning/data``: taxonomy, territories, countries.

The files are the source of truth; :mod:`twinning.reference.sync` mirrors them into the
database so profiles can link to them.
"""
