"""Old import path, kept so existing code keeps working: the formats now live in :mod:`subalign.aligner.formats`.

``from subalign.formats import to_tmx`` still works; new code should write
``from subalign.aligner.formats import to_tmx``.
"""

from subalign.aligner.formats import *  # noqa: F401,F403
from subalign.aligner.formats import __all__  # noqa: F401
