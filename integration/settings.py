"""The site's settings, with collectstatic's output in a throwaway folder
(TWO_SERVERS_STATIC_ROOT) instead of the project's staticfiles/."""

import os

from yumroad.settings import *  # noqa: F403

STATIC_ROOT = os.environ["TWO_SERVERS_STATIC_ROOT"]
