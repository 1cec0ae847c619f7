"""Bundled data files (CSV) of the extraction package; a package so that wheels ship them."""
