"""`python -m talkover_async` runs the `talkover` command."""

import sys

from .cli import main

sys.exit(main())
