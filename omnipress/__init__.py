"""omnipress: write marketing content blocks once; publish a blog post, a PDF one-pager and a
LinkedIn post that provably say the same thing."""

__version__ = "0.1.0"
