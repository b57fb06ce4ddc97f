"""The released student notebooks (packaged so that graders can tell the kit's own cells apart)."""
