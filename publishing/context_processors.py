from . import preview
from .workflow import state_in_words


def previewing(request):
    """The preview banner's facts, while a page shows an unpublished item."""
    item = preview.previewed_item()
    if item is None:
        return {}
    return {
        "preview": {
            "item": item,
            "state": state_in_words(item, names=False),
            "share_link": getattr(request, "share_link", None),
        }
    }
