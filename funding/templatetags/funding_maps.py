"""Maps of the funding record that any page may draw from figures it already has."""

from django import template

from funding.region_map import region_map as lay_out

register = template.Library()


@register.inclusion_tag("funding/includes/region_map.html")
def region_map(figures, map_id, *, links=None, caption="Amount awarded by nation and region"):
    """{% region_map figures "by-region" %}: the tile map of figures (funding.region_map's
    by_region(), {region: (count, total)}) with every number in a table beside it. map_id
    must be unique on the page. links, {region: address}, makes each tile and table row a
    link, for a page that can filter by region."""
    return {"map": lay_out(figures, links=links), "map_id": map_id, "caption": caption}
