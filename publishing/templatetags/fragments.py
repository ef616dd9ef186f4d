"""``{% fragment "name" vary... %}…{% endfragment %}``: a part of a page kept for the next
cache miss while nothing it shows changes (see :mod:`publishing.fragments`).

``name`` names the part among the site's templates; each further argument is something
besides the content that the part depends on and the request's path does not already say
(the query string of a filtered list, the day a citation is read). The part is rendered
in a context of its own, so nothing it sets leaks to the rest of the page, whether it is
rendered or reused.

``{% fragment "name" vary... code_only %}`` marks a part that shows no content at all
(the navigation, the footer): it is kept in each process for the release, whatever the
request's path (:func:`publishing.fragments.render_code_only`).
"""

from django import template

from publishing import fragments

register = template.Library()


CODE_ONLY = "code_only"


class FragmentNode(template.Node):
    def __init__(self, name, vary, nodelist, code_only=False):
        self.name = name
        self.vary = vary
        self.nodelist = nodelist
        self.code_only = code_only

    def render(self, context):
        def build(values):
            with context.push(**values):
                return self.nodelist.render(context)

        vary = [value.resolve(context) for value in self.vary]
        render = fragments.render_code_only if self.code_only else fragments.render
        return render(context, self.name, vary, build)


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            "{% fragment %} takes a quoted name, then what else the part varies by."
        )
    code_only = bits[-1] == CODE_ONLY
    vary = bits[2:-1] if code_only else bits[2:]
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        bits[1][1:-1], [parser.compile_filter(bit) for bit in vary], nodelist, code_only
    )
