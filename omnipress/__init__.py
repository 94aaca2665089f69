"""omnipress: write marketing content blocks once; publish a blog post, a PDF one-pager and a
LinkedIn post that provably say the same thing."""

__version__ = "0.1.0"

# The channel registry tells the content layer the channels' front-matter sections: loaded
# with the package, so reading content never depends on what was imported first.
from omnipress import channels as _channels  # noqa: F401
