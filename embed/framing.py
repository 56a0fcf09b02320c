"""Which pages other sites may frame: the widgets, and nothing else.

Every page refuses to be framed, by two headers set for the whole site (settings:
X_FRAME_OPTIONS = "DENY" for older browsers, and frame-ancestors 'none' in the
Content-Security-Policy for the rest). A widget's view lifts both, on its own answers only.

The page cache stores an answer with the headers its view gave it, under its own address,
and every address leads to one view: a widget and a page never share a stored answer, so
neither can be served with the other's headers (tests/test_embed_framing.py checks both,
stored and served from the cache). A widget's 404 is the site's own page, which may not be
framed, like every error.
"""

from csp.decorators import csp_replace
from django.views.decorators.clickjacking import xframe_options_exempt

ANY_SITE = "*"


def frameable(view):
    """The view's answers may be framed by any site: no X-Frame-Options, and frame-ancestors
    * in place of 'none'. The rest of the policy stays as strict as everywhere else."""
    return xframe_options_exempt(csp_replace({"frame-ancestors": [ANY_SITE]})(view))
