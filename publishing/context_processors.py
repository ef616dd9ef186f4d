from . import preview


def previewing(request):
    """The preview banner's facts, while a page shows an unpublished item."""
    item = preview.previewed_item()
    if item is None:
        return {}
    from .workflow import state_in_words

    return {
        "preview": {
            "item": item,
            "state": state_in_words(item),
            "share_link": getattr(request, "share_link", None),
        }
    }
