#!/usr/bin/env python3
"""Entry point: `python build.py --help`. The logic lives in the omnipress package."""

import sys

from omnipress.cli import main

if __name__ == "__main__":
    sys.exit(main())
