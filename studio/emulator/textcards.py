"""Text rendering: invitations, posters, ads, menus, cards, slides and posts.

Layout and colours are seeded from the prompt *without* its quoted text (and
the seed), so changing only the words changes only the glyph pixels, while
another seed gives another design.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from .palette import RGB, contrast_ink, hsv, mix, rng_for, shade
from .textlayout import Block, TextRoles, draw_blocks


def render_text_card(
    size: tuple[int, int], roles: TextRoles, fmt: str, skeleton: str, seed: int
) -> Image.Image:
    """Draw the roles laid out for `fmt`; `skeleton` is the prompt without quotes."""
    w, h = size
    rng = rng_for("text", fmt, skeleton.lower(), seed)
    hue = rng.random()
    main, accent = hsv(hue, 0.55, 0.85), hsv(hue + 0.5, 0.65, 0.9)
    img = Image.new("RGB", size, main)
    d = ImageDraw.Draw(img)
    u = min(w, h) / 100
    pad = 10 * u
    box = (pad, pad, w - pad, h - pad)
    ink = contrast_ink(main)
    head, body, small = ink, ink, ink
    if fmt == "invitation":
        # Paper, ornament and the frame's inset come from the seeded rng, so variants differ.
        bg = mix((250, 244, 230), hsv(rng.random(), 0.25, 0.98), rng.uniform(0.1, 0.35))
        gold = hsv(0.11 + rng.uniform(-0.03, 0.03), rng.uniform(0.5, 0.72), rng.uniform(0.62, 0.8))
        d.rectangle((0, 0, w, h), fill=bg)
        outer = rng.uniform(2.5, 4) * u
        for inset, width in ((outer, 1.2 * u), (outer + 2.5 * u, 0.5 * u)):
            d.rectangle(
                (inset, inset, w - inset, h - inset), outline=gold, width=max(1, round(width))
            )
        corner, sides = outer + 5 * u, rng.choice((4, 5, 6, 8))
        for cx, cy in (
            (corner, corner),
            (w - corner, corner),
            (corner, h - corner),
            (w - corner, h - corner),
        ):
            d.regular_polygon((cx, cy, 2.2 * u), sides, fill=gold)
        # the details in a darker gold than the frame: light gold on cream was hard to read
        head, body, small = hsv(rng.uniform(0.9, 1.05), 0.7, 0.5), (60, 50, 50), shade(gold, 0.6)
        box = (12 * u, 12 * u, w - 12 * u, h - 12 * u)
    elif fmt == "menu":
        frame = hsv(0.07 + rng.uniform(-0.03, 0.03), 0.6, rng.uniform(0.4, 0.55))
        board = hsv(rng.uniform(0.3, 0.6), 0.25, rng.uniform(0.15, 0.22))
        d.rectangle((0, 0, w, h), fill=frame)
        d.rectangle((3 * u, 3 * u, w - 3 * u, h - 3 * u), fill=board)
        # Dotted rules above and below the text, never through it (OCR lost words to them).
        for y in (h * rng.uniform(0.05, 0.07), h * rng.uniform(0.92, 0.94)):
            for x in range(round(12 * u), round(w - 12 * u), max(2, round(3 * u))):
                d.ellipse((x, y, x + 0.8 * u, y + 0.8 * u), fill=(200, 200, 190))
        head, body, small = (
            (250, 246, 230),
            (226, 226, 214),
            hsv(0.1 + rng.uniform(-0.04, 0.04), 0.5, 0.92),
        )
    elif fmt == "slide":
        # A thin title band, the title in dark ink beneath it: text drawn across a band's
        # full height was the one layout OCR could not read back.
        d.rectangle((0, 0, w, h), fill=(250, 250, 252))
        bar = h * 0.06
        d.rectangle((0, 0, w, bar), fill=shade(main, 0.8))
        d.rectangle((0, bar, w, bar + 1.2 * u), fill=accent)
        d.rectangle((pad, h * 0.32, pad + 20 * u, h * 0.32 + 0.8 * u), fill=accent)
        draw_blocks(
            d,
            [Block(roles.headline or "", 0.45, True, shade(main, 0.35))],
            (pad, bar + 4 * u, w - pad, h * 0.3),
        )
        rest = [Block(roles.body or "", 0.09, False, (40, 40, 48))] if roles.body else []
        rest += [Block(t, 0.065, False, (90, 90, 100)) for t in roles.details]
        if rest:
            draw_blocks(d, rest, (pad, h * 0.36, w - pad, h - pad))
        return img
    elif fmt == "card":
        d.rectangle((0, 0, w, h), fill=mix(main, (255, 255, 255), 0.6))
        for _ in range(14):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(1, 3) * u
            d.ellipse((x - r, y - r, x + r, y + r), fill=mix(accent, (255, 255, 255), 0.3))
        d.rounded_rectangle(
            (8 * u, 8 * u, w - 8 * u, h - 8 * u), radius=5 * u, fill=(255, 255, 252)
        )
        head, body, small = shade(main, 0.55), (60, 60, 66), shade(accent, 0.6)
        box = (14 * u, 14 * u, w - 14 * u, h - 14 * u)
    elif fmt == "ad":
        # The corner stays clear of the headline, which it used to cut into.
        d.polygon([(w * 0.72, 0), (w, 0), (w, h * 0.28)], fill=accent)
        d.polygon([(0, h * 0.7), (0, h), (w * 0.35, h)], fill=shade(accent, 0.8))
        head = body = ink
        button = mix(accent, (255, 255, 255), 0.6)  # pale, with dark words: OCR skipped
        small = shade(accent, 0.3)  # white words on a saturated button
        if roles.details:  # the call to action sits on a button
            d.rounded_rectangle((w * 0.2, h * 0.74, w * 0.8, h * 0.9), radius=3 * u, fill=button,
                                outline=accent, width=max(1, round(0.8 * u)))
            draw_blocks(
                d,
                [Block(t, 0.3, True, small) for t in roles.details],
                (w * 0.22, h * 0.75, w * 0.78, h * 0.89),
            )
            roles = TextRoles(roles.headline, roles.body, [])
            box = (pad, pad, w - pad, h * 0.7)
    elif fmt == "post":
        img.paste(_diagonal(size, main, accent))
        d = ImageDraw.Draw(img)
        # A dark panel behind the words, as a designer would: white text over the light end
        # of the gradient and its rings was unreadable, to people and to OCR alike (OCR also
        # read ring arcs as brackets). The gradient shows as a frame.
        d.rounded_rectangle((3 * u, 3 * u, w - 3 * u, h - 3 * u), radius=4 * u,
                            fill=shade(main, 0.35))
        head = body = small = (255, 255, 255)
    else:  # poster
        # Corner discs small enough, and the text box inset enough, that they never touch:
        # a disc cutting the first letters made them unreadable.
        for cx, cy in ((0, 0), (w, h)):
            r = 18 * u
            d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=accent)
        box = (pad, 18 * u, w - pad, h - 18 * u)
        small = shade(ink, 0.8) if ink[0] > 128 else mix(ink, main, 0.25)
    blocks = []
    if roles.headline:
        blocks.append(Block(roles.headline, 0.12, True, head))
    if roles.body:
        blocks.append(Block(roles.body, 0.065, False, body))
    blocks += [Block(t, 0.045, False, small) for t in roles.details]
    if blocks:
        draw_blocks(d, blocks, box)
    return img


def _diagonal(size: tuple[int, int], a: RGB, b: RGB) -> Image.Image:
    grad = Image.linear_gradient("L").rotate(45, expand=True).resize(size)
    return Image.composite(Image.new("RGB", size, b), Image.new("RGB", size, a), grad)


def add_caption(img: Image.Image, text: str) -> Image.Image:
    """A caption band across the bottom of an existing picture."""
    img = img.convert("RGB")
    w, h = img.size
    band = Image.new("RGBA", img.size, (0, 0, 0, 0))
    top = round(h * 0.8)
    ImageDraw.Draw(band).rectangle((0, top, w, h), fill=(0, 0, 0, 150))
    out = Image.alpha_composite(img.convert("RGBA"), band).convert("RGB")
    draw_blocks(
        ImageDraw.Draw(out),
        [Block(text, 0.55, True, (255, 255, 255))],
        (w * 0.04, top + h * 0.02, w * 0.96, h - h * 0.02),
    )
    return out
