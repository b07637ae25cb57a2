"""People around a commun, in a real browser: join, discuss a sentence, be told, resolve.

Léa joins bob's commun and opens a thread about one sentence of it,
mentioning Sam; Sam sees the bell's count, follows the notification and
replies; Léa, the thread's author, is told of the reply and resolves it.
Each page on the way is axe-clean and fits a 360 px screen.
"""

from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import axe_violations, login

SENTENCE = "Mesurer le niveau chaque mois, et noter la date."


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def check(page, name, problems):
    page.screenshot(path=f"/tmp/e2e-people-{name}.png", full_page=True)
    problems += [
        f"{name}: {v['id']} {[n['html'][:120] for n in v['nodes']]}" for v in axe_violations(page)
    ]


def test_lea_and_sam_discuss_a_sentence_and_the_author_resolves_it(new_page, resource):
    lea = make_user("lea")
    lea.display_name = "Léa"
    lea.save()
    make_user("sam")
    problems = []
    url = resource.get_absolute_url()

    page = new_page(locale="en-US")
    login(page, "lea", PASSWORD)
    page.goto(url)
    page.get_by_role("button", name="Join this commun").click()
    expect(page.locator(".messages")).to_contain_text("You joined this commun")
    expect(page.locator(".team-list")).to_contain_text("Léa")
    check(page, "resource", problems)

    page.goto(f"{url}versions/2/")
    page.fill("#discuss-quote", SENTENCE)
    page.get_by_role("button", name="Open a thread about it").click()
    expect(page.locator("#id_quote")).to_have_value(SENTENCE)
    page.fill("#id_title", "Chaque mois, vraiment ?")
    page.fill("#id_body", "@sam, tu relèves les nappes : une fois par mois suffit-il ?")
    page.get_by_role("button", name="Open the thread").click()
    expect(page.locator("blockquote")).to_have_text(SENTENCE)
    expect(page.get_by_role("link", name="In version 2 of the text")).to_be_visible()
    thread_url = page.url
    check(page, "thread", problems)

    sam = new_page(locale="en-US")
    login(sam, "sam", PASSWORD)
    expect(sam.locator(".bell-count")).to_have_text("1")
    sam.locator("a.bell").click()
    expect(sam.locator(".notification-unread")).to_have_count(1)
    check(sam, "notifications", problems)
    sam.get_by_role("button", name="Léa mentioned you").click()
    assert sam.url.split("#")[0] == thread_url
    expect(sam.locator(".bell-count")).to_have_count(0)
    sam.fill("#id_body", "Deux fois en hiver, quand les nappes se rechargent.")
    sam.get_by_role("button", name="Post the reply").click()
    expect(sam.locator(".posts > li")).to_have_count(2)

    page.goto("/")
    expect(page.locator(".bell-count")).to_have_text("1")  # Sam's reply
    page.goto(thread_url)
    page.get_by_role("button", name="Mark as resolved").click()
    expect(page.locator(".messages")).to_contain_text("The thread is resolved.")
    expect(page.locator(".thread .badge").first).to_have_text("Resolved")
    page.goto(url)
    expect(page.locator("#threads-title")).to_contain_text("0 open threads")

    phone = new_page(locale="fr-FR", width=360, height=740)
    login(phone, "sam", PASSWORD)
    for path in (thread_url, "/notifications/", url, f"{url}threads/", f"{url}versions/2/"):
        phone.goto(path)
        assert overflow(phone) <= 0, path
    phone.goto(thread_url)
    check(phone, "thread-phone-fr", problems)
    assert problems == []
