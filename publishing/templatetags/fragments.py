"""``{% fragment "name" vary... %}…{% endfragment %}``: a part of a page kept for the next
cache miss while nothing it shows changes (see :mod:`publishing.fragments`).

``name`` names the part among the site's templates; each further argument is something
besides the content that the part depends on and the request's path does not already say
(the query string of a filtered list, the day a citation is read). The part is rendered
in a context of its own, so nothing it sets leaks to the rest of the page, whether it is
rendered or reused.
"""

from django import template

from publishing import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, name, vary, nodelist):
        self.name = name
        self.vary = vary
        self.nodelist = nodelist

    def render(self, context):
        def build(values):
            with context.push(**values):
                return self.nodelist.render(context)

        vary = [value.resolve(context) for value in self.vary]
        return fragments.render(context, self.name, vary, build)


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            "{% fragment %} takes a quoted name, then what else the part varies by."
        )
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
