"""Text from a client file reaches the page as text, never as markup."""

from __future__ import annotations

ATTACK = '<script>alert(1)</script>'
TOKEN = "Esc4pe9Test0Token1Abcd2"


def test_client_text_is_escaped_everywhere_on_the_page(empty_site):
    empty_site.write_client("evil", f"""\
        name: 'Evil <img src=x onerror=alert(1)> Corp'
        contact:
          name: '"><script>alert(2)</script>'
          email: evil@example.com
        projects:
          - id: x
            title: '{ATTACK}'
            token: {TOKEN}
            agreement:
              terms:
                response_days: {{studio: 1, client: 2}}
                grace_days: {{studio: 5, client: 10}}
                consequences: {{studio: '<b>s</b>', client: '<iframe src=//evil.example>'}}
                deposit: '<svg onload=alert(3)>'
                payment_days: 14
              clauses: 'Read [this](javascript:alert(4)) and <script>alert(5)</script>.'
            milestones:
              - title: '<u>Assets</u>'
                owner: client
                due: 2026-11-02
                note: '<img src=x onerror=alert(6)> [ok](https://example.com/docs)'
            log:
              - date: 2026-11-02
                by: client
                text: '<script>alert(7)</script>'
                change: {{status: approved, days: 1, cost: '<b>€1</b>'}}
        """)
    result = empty_site.build()
    assert result.returncode == 0, result.stderr
    html = empty_site.portal_file(TOKEN).read_text("utf-8")
    for raw in ("<script>", "<img src=x", "<iframe", "<svg", "<u>", "<b>"):
        assert raw not in html, raw
    page = empty_site.portal(TOKEN)
    assert not page.find_all("script") and not page.find_all("iframe")
    for tag in page.find_all(True):
        assert not any(name.startswith("on") for name in tag.attrs), tag
        assert not any("javascript:" in str(value).lower() for value in tag.attrs.values()), tag
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;svg onload=alert(3)&gt;" in html  # a term value, inside the agreement
    assert 'href="https://example.com/docs" rel="noopener noreferrer"' in html
