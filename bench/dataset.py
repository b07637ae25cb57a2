"""The benchmark dataset: one big call, built the way the application builds it.

Everything starts from a *plan*, a deterministic list of what people do
(who proposes which text, who edits it into what, who reviews which
version), made from fixed seeds so that every build of a given generator
version holds the same texts. Two builders play the same plan:

- `build(..., fast=False)` calls the real domain functions
  (`resources.editing.create_resource`, `edit_resource` and
  `contributions.reviewing.record_review`), one operation after the other.
  About 15 ms per version: 22,000 versions take too long for `make bench`.
- `build(..., fast=True)`, the default, computes what those functions would
  compute (sanitized HTML, authorship runs, sizes, hashes, the
  django-reversion snapshot) in worker processes and writes the same rows
  with `bulk_create`: Resource, reversion Revision and Version,
  ResourceVersion, Review, then the `latest_version` and `stable_version`
  pointers. tests/test_bench_dataset.py plays a small plan through both
  builders and compares every row, so the fast path cannot drift from the
  domain code unnoticed.

Users, the call, its members and its challenges are made the ordinary way
by both builders (they are few).
"""

import hashlib
import random
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta
from multiprocessing import get_context

from django.utils.text import slugify

# Bump when the plan or the rows change: run.py rebuilds a dataset whose
# call does not carry the current marker.
GENERATOR_VERSION = "1"
CALL_SLUG = "bench"
HOT_SLUG = "guide-commun-de-leau"
PASSWORD = "bench-password-not-secret"


@dataclass(frozen=True)
class Size:
    challenges: int = 10
    resources: int = 1000
    versions: int = 20  # per ordinary resource
    hot_versions: int = 2000  # for the one hot resource
    users: int = 200  # index 0 steward, 1..reviewers reviewers, the rest contributors
    reviewers: int = 5
    reviews: bool = True  # a third of the versions get one review

    @property
    def total_versions(self):
        return self.resources * self.versions + self.hot_versions

    @property
    def signature(self):
        return (
            f"{self.challenges}c {self.resources}r x {self.versions}v "
            f"+ hot {self.hot_versions}v, {self.users}u, reviews={'on' if self.reviews else 'off'}"
        )


FULL = Size()
# For tests and quick tries: every kind of row, in a second.
SMALL = Size(challenges=2, resources=3, versions=5, hot_versions=15, users=12, reviewers=2)


def marker(size):
    """What the bench call's summary holds once a build has completed."""
    return f"Benchmark dataset, generator {GENERATOR_VERSION}: {size.signature}."


# ---------------------------------------------------------------- the plan

WORDS = """
eau nappe puits forage captage ressource bassin rivière source débit étiage crue
sécheresse irrigation agriculture commune territoire syndicat usager mesure relevé
piézomètre recharge infiltration ruissellement zone humide amont aval qualité nitrate
pesticide station épuration réseau fuite compteur consommation sobriété partage
gouvernance donnée carte inventaire collectif habitant agent technicien élu
observatoire protocole méthode seuil alerte arrêté restriction prélèvement
autorisation volume année saison printemps été automne hiver pluie orage sol
végétation haie forêt prairie culture élevage jardin potager récupération citerne
toiture ville village quartier école atelier formation guide fiche outil logiciel
tableur capteur sonde calibration bénévole association chantier retenue barrage
canal fossé mare source résurgence karst calcaire argile sable gravier aquifère
modèle simulation scénario climat température évaporation transpiration besoin
demande usage priorité solidarité coût budget subvention contrat convention
licence ouverte contribution relecture version historique lecteur auteur
""".split()  # noqa: SIM905
LINKERS = "et ou mais donc puis avec pour dans sur sous entre selon chez sans vers".split()  # noqa: SIM905
PLACES = """
Pontarlier Montbéliard Saint-Flour Aurillac Millau Rodez Figeac Cahors Périgueux
Bergerac Mont-de-Marsan Dax Tarbes Foix Pamiers Carcassonne Limoux Narbonne Béziers
Lodève Alès Privas Aubenas Valence Romans Die Gap Briançon Digne Manosque Apt
Carpentras Orange Nyons Montélimar Vienne Bourgoin Voiron Chambéry Annecy Thonon
Bourg-en-Bresse Mâcon Autun Nevers Vierzon Bourges Châteauroux Guéret Tulle Brive
Ussel Moulins Vichy Riom Thiers Ambert Issoire Mende Florac Le-Puy Yssingeaux
""".split()  # noqa: SIM905
THEMES = [
    "Carte des puits",
    "Suivi des nappes",
    "Inventaire des sources",
    "Guide de la sobriété",
    "Observatoire des usages",
    "Protocole de relevé",
    "Atlas des zones humides",
    "Fiche pratique citerne",
    "Tableau de bord de l'étiage",
    "Méthode de partage de l'eau",
    "Réseau de capteurs",
    "Carnet de terrain",
]
CHALLENGES = [
    "Nappes phréatiques",
    "Sobriété des usages",
    "Partage de l'eau",
    "Zones humides",
    "Données ouvertes",
    "Gouvernance locale",
    "Récits et culture",
    "Modèles économiques",
    "Agriculture économe",
    "Villes perméables",
]
FIRST_NAMES = """
Camille Dominique Claude Léa Sam Hugo Inès Lucas Chloé Nina Théo Manon Louis Jade
Arthur Lina Jules Rose Paul Zoé Adam Alice Nathan Emma Rayan Sarah Malo Julia
""".split()  # noqa: SIM905
LAST_NAMES = """
Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier
""".split()  # noqa: SIM905
EDIT_COMMENTS = [
    "",
    "Corrige une coquille",
    "Ajoute les relevés de l'été",
    "Précise la méthode",
    "Reformule l'introduction",
    "Met à jour le tableau",
    "Ajoute un lien",
    "Complète la liste",
    "Retire un paragraphe en double",
]
REVIEW_COMMENTS = [
    "Relu : **ok** pour moi.",
    "Les chiffres du tableau sont à vérifier.",
    "Merci, c'est plus clair.",
    "Il manque la source des données.",
    "",
]
VERDICTS = ["approve"] * 12 + ["comment"] * 5 + ["request_changes"] * 3
LICENSES = ["etalab-2.0", "CC-BY-4.0", "CC-BY-SA-4.0"]
TARGET_BYTES = 5000


@dataclass
class Step:
    author: int  # an index into the users list
    content: str
    comment: str = ""


@dataclass
class PlannedReview:
    reviewer: int
    verdict: str
    comment: str


@dataclass
class Plan:
    index: int
    slug: str
    title: str
    challenge: int | None  # index into the challenges, None for no challenge
    license: str
    steps: list[Step] = field(default_factory=list)
    reviews: dict[int, PlannedReview] = field(default_factory=dict)  # version number -> review


def _sentence(rng, places):
    words = [rng.choice(WORDS) for _ in range(rng.randint(7, 16))]
    for position in range(2, len(words), rng.randint(4, 6)):
        words[position] = rng.choice(LINKERS)
    if rng.random() < 0.4:
        words.insert(rng.randrange(1, len(words)), rng.choice(places))
    if rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    if rng.random() < 0.1:
        i = rng.randrange(len(words))
        words[i] = f"[{words[i]}](https://example.org/{rng.choice(WORDS)}/{rng.randint(1, 999)})"
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + "."


def _paragraph(rng, places):
    return ("p", " ".join(_sentence(rng, places) for _ in range(rng.randint(2, 4))))


def _item(rng, places):
    return (
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))) + f" ({rng.choice(places)})"
    )


def _bullets(rng, places):
    return ("ul", "\n".join(f"- {_item(rng, places)}" for _ in range(rng.randint(4, 6))))


def _numbered(rng, places):
    return ("ol", "\n".join(f"{n}. {_item(rng, places)}" for n in range(1, rng.randint(5, 7))))


def _table(rng, places):
    rows = ["| Commune | Volume (m³) | Année |", "| --- | ---: | --- |"]
    for _ in range(rng.randint(4, 6)):
        rows.append(
            f"| {rng.choice(places)} | {rng.randint(1_000, 900_000):,}".replace(",", " ")
            + f" | {rng.randint(2015, 2025)} |"
        )
    return ("table", "\n".join(rows))


def _links(rng):
    lines = [
        f"- [{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}]"
        f"(https://example.org/{rng.choice(WORDS)}/{rng.randint(1, 9999)})"
        for _ in range(rng.randint(3, 5))
    ]
    lines.append("- Contact : <mailto:contact@example.org>")
    return ("ul", "\n".join(lines))


def _text(blocks):
    return "\n\n".join(text for _, text in blocks) + "\n"


def _size(blocks):
    return len(_text(blocks).encode())


def _first_document(rng, title, places):
    blocks = [("h", f"# {title}"), _paragraph(rng, places), ("h", "## Contexte")]
    blocks += [_paragraph(rng, places), _paragraph(rng, places), _bullets(rng, places)]
    blocks += [("h", "## Données"), _paragraph(rng, places), _table(rng, places)]
    blocks += [("h", "## Méthode"), _numbered(rng, places), _paragraph(rng, places)]
    blocks += [("h", "## Ressources"), _links(rng)]
    while _size(blocks) < TARGET_BYTES:
        paragraphs = [i for i, (kind, _) in enumerate(blocks) if kind == "p"]
        blocks.insert(rng.choice(paragraphs) + 1, _paragraph(rng, places))
    return blocks


def _edit(rng, blocks, places):
    """One realistic edit: reword a sentence, add or drop a paragraph, touch a list.

    The text stays near 5 KB, so the 2,000th version is as big as the first.
    """
    blocks = list(blocks)
    paragraphs = [i for i, (kind, _) in enumerate(blocks) if kind == "p"]
    size = _size(blocks)
    roll = rng.random()
    if size > TARGET_BYTES * 1.12 and len(paragraphs) > 3:
        roll = 0.95  # too long: drop a paragraph
    elif size < TARGET_BYTES * 0.9:
        roll = 0.80  # too short: add one
    if roll < 0.6:  # reword a few words of a paragraph
        i = rng.choice(paragraphs)
        words = blocks[i][1].split(" ")
        for _ in range(rng.randint(1, 3)):
            j = rng.randrange(len(words))
            word = rng.choice(WORDS)
            word = word[:1].upper() + word[1:] if j == 0 else word
            words[j] = word + ("." if words[j].endswith(".") else "")
        blocks[i] = ("p", " ".join(words))
    elif roll < 0.75:  # add a sentence
        i = rng.choice(paragraphs)
        blocks[i] = ("p", blocks[i][1] + " " + _sentence(rng, places))
    elif roll < 0.87:
        blocks.insert(rng.choice(paragraphs) + 1, _paragraph(rng, places))
    elif roll < 0.93:  # touch a list
        lists = [i for i, (kind, _) in enumerate(blocks) if kind in ("ul", "ol")]
        i = rng.choice(lists[:-1] or lists)
        kind, text = blocks[i]
        lines = text.split("\n")
        j = rng.randrange(len(lines))
        prefix = lines[j].split(" ", 1)[0]
        lines[j] = f"{prefix} {_item(rng, places)}"
        blocks[i] = (kind, "\n".join(lines))
    else:
        del blocks[rng.choice(paragraphs)]
    return blocks


def resource_plan(size, index):
    """The life of resource `index`; index == size.resources is the hot resource."""
    rng = random.Random(f"appel-bench-{GENERATOR_VERSION}-{index}")
    hot = index == size.resources
    places = rng.sample(PLACES, 3)
    if hot:
        title, slug, versions = "Guide commun de l'eau", HOT_SLUG, size.hot_versions
    else:
        title = f"{THEMES[index % len(THEMES)]} de {places[0]}"
        slug = f"{THEMES[index % len(THEMES)]}-{places[0]}-{index}"
        versions = size.versions
    contributors = range(size.reviewers + 1, size.users)
    # A few regulars write most of a resource; anybody may drop by.
    regulars = rng.sample(contributors, min(len(contributors), 40 if hot else 3))
    challenge = None if rng.random() < 0.1 else rng.randrange(size.challenges)
    plan = Plan(
        index=index,
        slug=slugify(slug)[:80],
        title=title,
        challenge=challenge if size.challenges else None,
        license=LICENSES[index % len(LICENSES)],
    )
    blocks = _first_document(rng, title, places)
    for number in range(1, versions + 1):
        if number > 1:
            blocks = _edit(rng, blocks, places)
        pool = regulars if rng.random() < 0.8 else contributors
        plan.steps.append(Step(rng.choice(pool), _text(blocks), rng.choice(EDIT_COMMENTS)))
        if size.reviews and (index + number) % 3 == 0:
            plan.reviews[number] = PlannedReview(
                reviewer=rng.randrange(0, size.reviewers + 1),
                verdict=rng.choice(VERDICTS),
                comment=rng.choice(REVIEW_COMMENTS),
            )
    return plan


# ---------------------------------------------------------------- people and call


def ensure_users(size, *, prefix="bench"):
    """The `size.users` accounts, created once and shared by every bench call.

    One password hash for all of them: hashing 200 passwords would take a minute.
    """
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from appel.models import User

    usernames = [f"{prefix}{i:03d}" for i in range(size.users)]
    existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = [name for name in usernames if name not in existing]
    if missing:
        password = make_password(PASSWORD)
        User.objects.bulk_create(
            User(
                username=name,
                username_key=name,
                email=f"{name}@example.org",
                password=password,
                display_name=f"{FIRST_NAMES[int(name[-3:]) % len(FIRST_NAMES)]} "
                f"{LAST_NAMES[int(name[-3:]) % len(LAST_NAMES)]}",
            )
            for name in missing
        )
        existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
        funders = Group.objects.filter(name="funders").first()
        if funders:
            existing[usernames[0]].groups.add(funders)
    return [existing[name] for name in usernames]


def make_call(size, users, *, slug=CALL_SLUG):
    """The call, opened, with its reviewers and challenges (through appel's own functions)."""
    from appel.models import Call, Challenge, Membership
    from appel.stewarding import launch_call, move_status, set_member

    call = launch_call(
        call=Call(
            slug=slug,
            title="Eau et territoires (banc d'essai)",
            summary="Benchmark dataset being built.",
            description="## Pourquoi\n\nUn appel à communs de la taille d'un vrai, "
            "pour mesurer les pages.\n",
            funder_name="Agence de l'eau",
            budget_amount="1000000.00",
            allowed_licenses=list(LICENSES),
            default_license=LICENSES[0],
            approvals_required=1,
        ),
        funder=users[0],
    )
    move_status(call=call, to=Call.Status.OPEN, actor=users[0])
    for reviewer in users[1 : size.reviewers + 1]:
        set_member(call=call, user=reviewer, role=Membership.Role.REVIEWER)
    challenges = [
        Challenge.objects.create(
            call=call,
            slug=f"defi-{n + 1}",
            title=CHALLENGES[n % len(CHALLENGES)],
            description=f"Le défi {n + 1} : {CHALLENGES[n % len(CHALLENGES)].lower()}.",
            position=n,
        )
        for n in range(size.challenges)
    ]
    return call, challenges


def build(size=FULL, *, call_slug=CALL_SLUG, fast=True, workers=2, progress=None):
    """Build the whole dataset in `call_slug`; returns the call.

    The call's summary gets the marker last, so an interrupted build is
    recognised as incomplete.
    """
    progress = progress or (lambda message: None)
    started = time.monotonic()
    users = ensure_users(size)
    call, challenges = make_call(size, users, slug=call_slug)
    # The hot resource first: one worker computes its 2,000 versions while the other
    # goes through the ordinary resources.
    indexes = [size.resources, *range(size.resources)]
    if fast:
        _build_fast(size, call, challenges, users, indexes, workers, progress, started)
    else:
        _build_through_domain(size, call, challenges, users, indexes, progress, started)
    add_people(call)
    call.summary = marker(size)
    call.save()
    return call


# The people around the hot commun (bench group "people"): added to a dataset
# built before they existed too, once (`add_people` is idempotent).
PEOPLE_THREAD = "Relevés mensuels : quelle méthode ?"
WATCHERS = 300
THREAD_POSTS = 200
READER = "benchwatch001"
READER_NOTIFICATIONS = 300


def add_people(call, *, watchers=WATCHERS, posts=THREAD_POSTS):
    """300 watchers of the hot commun, a thread of 200 posts, a reader's 300 notifications.

    Rows written directly, as the fast path does: what the tasks of
    contributions would have written for them.
    """
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from appel.markup import render_markdown
    from appel.models import User
    from contributions.models import Notification, Post, Thread, Watch
    from resources.models import Participation, Resource

    if Thread.objects.filter(call=call, title=PEOPLE_THREAD).exists():
        return
    hot = Resource.objects.select_related("latest_version").get(call=call, slug=HOT_SLUG)
    people = ensure_users(Size(users=watchers), prefix="benchwatch")
    reader = next(u for u in people if u.username == READER)
    now = timezone.now()
    rng = random.Random("appel-bench-people")
    with transaction.atomic():
        Participation.objects.bulk_create(
            [
                Participation(
                    resource=r, user_id=r.created_by_id, role="lead", joined_at=r.created_at
                )
                for r in Resource.objects.filter(call=call).only("pk", "created_by", "created_at")
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        Watch.objects.bulk_create(
            [Watch(user=u, call=call, resource=hot) for u in people], ignore_conflicts=True
        )
        start = now - timedelta(days=30)
        thread = Thread.objects.create(
            call=call,
            resource=hot,
            author=people[0],
            title=PEOPLE_THREAD,
            version=hot.latest_version,
            quote="Mesurer le niveau chaque mois.",
            posts_count=posts,
            created_at=start,
            last_post_at=start + timedelta(hours=posts),
        )
        rows = []
        for i in range(posts):
            body = f"Réponse {i} de @{people[(i + 1) % watchers].username} : " + " ".join(
                _sentence(rng, PLACES) for _ in range(3)
            )
            rows.append(
                Post(
                    thread=thread,
                    author=people[i % watchers],
                    body=body,
                    body_html=render_markdown(body),
                    created_at=start + timedelta(hours=i),
                )
            )
        Post.objects.bulk_create(rows, batch_size=500)
        saved = list(thread.posts.order_by("pk").values_list("pk", flat=True))
        kinds = ["reply", "mention", "new_version", "joined"]
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=reader,
                    kind=kinds[i % len(kinds)],
                    actor=people[(i + 7) % watchers],
                    call=call,
                    resource=hot,
                    version=hot.latest_version if kinds[i % len(kinds)] == "new_version" else None,
                    thread=thread if kinds[i % len(kinds)] in ("reply", "mention") else None,
                    post_id=saved[i % len(saved)]
                    if kinds[i % len(kinds)] in ("reply", "mention")
                    else None,
                    created_at=now - timedelta(hours=i * 2),
                    read_at=None if i < 40 else now,
                )
                for i in range(READER_NOTIFICATIONS)
            ],
            batch_size=500,
        )
        User.objects.filter(pk=reader.pk).update(unread_notifications=40)


def _report(progress, done, total, started):
    elapsed = time.monotonic() - started
    progress(f"  {done}/{total} resources, {elapsed:.0f} s")


# ---------------------------------------------------------------- the domain path


def _build_through_domain(size, call, challenges, users, indexes, progress, started):
    from resources.editing import create_resource, edit_resource

    record_review = None
    if size.reviews:
        from contributions.reviewing import record_review

    for done, index in enumerate(indexes, 1):
        plan = resource_plan(size, index)
        first = plan.steps[0]
        version = create_resource(
            call=call,
            author=users[first.author],
            title=plan.title,
            content=first.content,
            license=plan.license,
            challenge=challenges[plan.challenge] if plan.challenge is not None else None,
            slug=plan.slug,
            comment=first.comment,
        )
        resource = version.resource
        for number in range(1, len(plan.steps) + 1):
            if number > 1:
                step = plan.steps[number - 1]
                result = edit_resource(
                    resource=resource,
                    author=users[step.author],
                    content=step.content,
                    base_version=number - 1,
                    comment=step.comment,
                )
                assert result.created and result.version.number == number, (plan.slug, number)
                version = result.version
            if review := plan.reviews.get(number):
                record_review(
                    version=version,
                    reviewer=users[review.reviewer],
                    verdict=review.verdict,
                    comment=review.comment,
                )
        if done % 50 == 0:
            _report(progress, done, len(indexes), started)


# ---------------------------------------------------------------- the fast path


@dataclass
class _VersionRow:
    number: int
    author: int  # user pk
    content: str
    comment: str
    size: int
    delta: int
    content_hash: str
    html: str
    runs: list


@dataclass
class _Computed:
    plan: Plan  # without its steps: the texts travel in `versions`
    versions: list[_VersionRow]
    reviews: dict  # number -> (reviewer pk, verdict, comment, comment_html)


def _compute(job):
    """Everything editing.py computes for each version of one resource (CPU only, no DB)."""
    size, index, user_pks = job
    from appel.markup import render_markdown
    from resources import authorship
    from resources.editing import normalize

    plan = resource_plan(size, index)
    rows = []
    previous = None
    for number, step in enumerate(plan.steps, 1):
        content = normalize(step.content)
        author = user_pks[step.author]
        if previous is None:
            runs = authorship.initial(content, author)
        else:
            runs = authorship.derive(previous.content, previous.runs, content, author)
        encoded = content.encode("utf-8", "surrogatepass")
        rows.append(
            _VersionRow(
                number=number,
                author=author,
                content=content,
                comment=step.comment,
                size=len(encoded),
                delta=len(encoded) - (previous.size if previous else 0),
                content_hash=hashlib.sha256(encoded).hexdigest(),
                html=render_markdown(content),
                runs=runs,
            )
        )
        previous = rows[-1]
    reviews = {
        number: (user_pks[r.reviewer], r.verdict, r.comment, render_markdown(r.comment.strip()))
        for number, r in plan.reviews.items()
    }
    return _Computed(replace(plan, steps=[], reviews={}), rows, reviews)


def _timeline(size, index, number, versions, start):
    """Versions spread over 180 days, resources interleaved, so lists of changes look real."""
    span = timedelta(days=180)
    return start + span * ((number - 1) / max(versions, 1)) + timedelta(seconds=index * 7)


def _build_fast(size, call, challenges, users, indexes, workers, progress, started):
    from django.db import connections
    from django.utils import timezone

    user_pks = [u.pk for u in users]
    jobs = [(size, index, user_pks) for index in indexes]
    start = timezone.now() - timedelta(days=181)
    chunk, done = [], 0
    if workers > 1:
        # The workers only compute; they must not share the parent's database socket.
        connections.close_all()
        pool = get_context("fork").Pool(workers)
        results = pool.imap(_compute, jobs, chunksize=4)
    else:
        pool, results = None, map(_compute, jobs)
    try:
        for computed in results:
            chunk.append(computed)
            if sum(len(c.versions) for c in chunk) >= 500:
                _write(chunk, call, challenges, start, size)
                done += len(chunk)
                chunk = []
                if done % 100 < 25:
                    _report(progress, done, len(indexes), started)
        if chunk:
            _write(chunk, call, challenges, start, size)
        _report(progress, len(indexes), len(indexes), started)
    finally:
        if pool is not None:
            pool.terminate()


def _write(chunk, call, challenges, start, size):
    """Write the rows create_resource, edit_resource and record_review would write."""
    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers
    from django.db import transaction
    from reversion.models import Revision
    from reversion.models import Version as Snapshot
    from reversion.revisions import _get_options

    from contributions.models import Review
    from resources import completeness, search
    from resources.models import Participation, Resource, ResourceChallenge, ResourceVersion

    options = _get_options(Resource)
    content_type = ContentType.objects.get_for_model(Resource)
    with transaction.atomic():
        resources = []
        for c in chunk:
            first, last = c.versions[0], c.versions[-1]
            n = len(c.versions)
            resources.append(
                Resource(
                    call=call,
                    challenge=challenges[c.plan.challenge]
                    if c.plan.challenge is not None
                    else None,
                    slug=c.plan.slug,
                    title=c.plan.title.strip(),
                    license=c.plan.license,
                    content=last.content,
                    outline=completeness.outline(last.content),
                    created_by_id=first.author,
                    created_at=_timeline(size, c.plan.index, 1, n, start),
                    updated_at=_timeline(size, c.plan.index, n, n, start),
                )
            )
        Resource.objects.bulk_create(resources)
        search.refresh_documents(Resource.objects.filter(pk__in=[r.pk for r in resources]))

        revisions = [
            Revision(
                date_created=_timeline(size, c.plan.index, v.number, len(c.versions), start),
                user_id=v.author,
                comment=v.comment,
            )
            for c in chunk
            for v in c.versions
        ]
        Revision.objects.bulk_create(revisions, batch_size=500)

        snapshots, versions, position = [], [], 0
        for resource, c in zip(resources, chunk, strict=True):
            for v in c.versions:
                revision = revisions[position]
                position += 1
                state = ResourceVersion.State.PENDING
                if review := c.reviews.get(v.number):
                    state = {
                        "approve": ResourceVersion.State.VALIDATED,
                        "request_changes": ResourceVersion.State.CHANGES_REQUESTED,
                    }.get(review[1], state)
                # The resource as it was at that version: what reversion serializes.
                resource.content = v.content
                snapshots.append(
                    Snapshot(
                        revision=revision,
                        content_type=content_type,
                        object_id=str(resource.pk),
                        db="default",
                        format=options.format,
                        serialized_data=serializers.serialize(
                            options.format,
                            (resource,),
                            fields=options.fields,
                            use_natural_foreign_keys=options.use_natural_foreign_keys,
                        ),
                        object_repr=str(resource),
                    )
                )
                versions.append(
                    ResourceVersion(
                        revision=revision,
                        resource=resource,
                        number=v.number,
                        parent_number=v.number - 1 if v.number > 1 else None,
                        author_id=v.author,
                        created_at=revision.date_created,
                        comment=v.comment,
                        title=resource.title,
                        state=state,
                        size=v.size,
                        delta=v.delta,
                        content_hash=v.content_hash,
                        html=v.html,
                        authorship=v.runs,
                        merged=False,
                        restored_from=None,
                    )
                )
            resource.content = c.versions[-1].content
        Snapshot.objects.bulk_create(snapshots, batch_size=500)
        ResourceVersion.objects.bulk_create(versions, batch_size=500)

        reviews, position = [], 0
        for resource, c in zip(resources, chunk, strict=True):
            mine = versions[position : position + len(c.versions)]
            position += len(c.versions)
            resource.latest_version = mine[-1]
            validated = [v for v in mine if v.state == ResourceVersion.State.VALIDATED]
            resource.stable_version = validated[-1] if validated else None
            # Waiting since the first version after the stable one, as reviewing keeps it.
            waiting = mine[validated[-1].number if validated else 0 :]
            resource.pending_since = waiting[0].created_at if waiting else None
            for number, (reviewer, verdict, comment, comment_html) in sorted(c.reviews.items()):
                version = mine[number - 1]
                reviews.append(
                    Review(
                        version=version,
                        reviewer_id=reviewer,
                        verdict=verdict,
                        comment=comment.strip(),
                        comment_html=comment_html,
                        created_at=version.created_at + timedelta(minutes=30),
                    )
                )
        Review.objects.bulk_create(reviews, batch_size=500)
        # Pointers are not part of reversion's snapshot (excluded from it), as in editing.py.
        Resource.objects.bulk_update(
            resources, ["latest_version", "stable_version", "pending_since"]
        )
        # Each creator leads their commun, as editing.create_resource makes them.
        Participation.objects.bulk_create(
            [
                Participation(
                    resource=r, user_id=r.created_by_id, role="lead", joined_at=r.created_at
                )
                for r in resources
            ],
            batch_size=500,
        )
        # Its défi is the first (here the only one) of its défis, as create_resource writes them.
        ResourceChallenge.objects.bulk_create(
            [
                ResourceChallenge(resource=r, challenge_id=r.challenge_id)
                for r in resources
                if r.challenge_id
            ],
            batch_size=500,
        )
