"""`make run` calls this, so that a first visit shows a living call, not an empty page."""

import secrets
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from appel.models import Call, Challenge, Membership, User
from appel.stewarding import add_cutoff, launch_call, move_status, set_member
from resources import teams
from resources.editing import create_resource, edit_resource

from ... import discussing, funding, retribution, reviewing

CALL_DESCRIPTION = """\
## Pourquoi cet appel

Les territoires doivent à la fois consommer moins (énergie, sol, eau,
matériaux) et se préparer aux effets du changement climatique. Plutôt que
de mettre des projets en concurrence, l'ADEME finance des **communs** :
des méthodes, guides, jeux de données et logiciels sous licence ouverte,
que chaque collectivité peut réutiliser, améliorer et partager.

## Ce que nous finançons

- des ressources sous licence ouverte, documentées et réutilisables ;
- portées par une communauté d'utilisateurs et de contributeurs ;
- qui répondent à au moins un des défis ci-dessous.

L'aide couvre au plus 70 % des coûts, de 10 000 à 100 000 € par commun.

## Comment participer

1. Lisez les défis et les communs déjà proposés.
2. Rejoignez un commun existant ou proposez-en un nouveau.
3. Documentez-le ici : à quoi il sert, qui le porte, ce qui reste à faire.

Quand deux propositions se recoupent, nous vous proposerons de
**mutualiser** vos travaux plutôt que de les financer séparément.

## Relevés

Nous décidons à chaque relevé, commun par commun, avec une réponse
publique : voir la page « Relevés et décisions » de l'appel.
"""

# ADEME's "fiche commun": every commun documents itself under these headings.
FICHE_SECTIONS = [
    "Pitch",
    "Qui porte le commun",
    "Description",
    "Gouvernance",
    "Licence",
    "Modèle économique",
]

FICHE_TEMPLATE = """\
## Pitch

<!-- En deux ou trois phrases : quel problème ce commun résout, et pour qui. -->

## Qui porte le commun

<!-- Les personnes et structures qui le portent, et comment les joindre. -->

## Description

<!-- Ce qui existe déjà, ce qui reste à faire, comment l'utiliser. -->

## Gouvernance

<!-- Qui décide, comment on contribue, comment les désaccords se règlent. -->

## Licence

<!-- La licence ouverte choisie, et pourquoi. -->

## Modèle économique

<!-- Comment le commun vivra après le financement : contributions, services, mécénat... -->
"""

# (title, days after the opening): the call's cut-off dates ("relevés").
CUTOFFS = [("Premier relevé", 45), ("Deuxième relevé", 165), ("Troisième relevé", 240)]

CHALLENGES = [
    (
        "sobriete-fonciere",
        "Sobriété foncière",
        """\
Atteindre le **zéro artificialisation nette** demande de mieux connaître le
foncier déjà urbanisé : friches, logements vacants, dents creuses, parkings
sous-utilisés.

Nous cherchons des communs qui aident les collectivités à :

- repérer et qualifier le foncier mobilisable ;
- suivre la consommation d'espaces naturels, agricoles et forestiers ;
- partager des méthodes de diagnostic reproductibles d'un territoire à l'autre.
""",
    ),
    (
        "ilots-de-chaleur",
        "Îlots de chaleur urbains",
        """\
Les vagues de chaleur deviennent plus longues et plus fréquentes ; les
centres-villes minéraux en souffrent le plus.

Nous cherchons des communs pour :

- cartographier les îlots de chaleur à partir de données ouvertes ;
- désimperméabiliser et végétaliser cours d'école, places et parkings ;
- évaluer et améliorer le confort d'été des bâtiments publics.
""",
    ),
    (
        "recits-et-connaissances",
        "Récits et partage des connaissances",
        """\
*Défi transversal.* La transition se joue aussi dans les récits qui la
rendent désirable et dans la circulation de ce que les territoires ont
appris.

- des ressources pédagogiques ouvertes pour les élus et les agents ;
- des retours d'expérience documentés, échecs compris ;
- des formats de partage (fiches, ateliers, jeux) faciles à reprendre.
""",
    ),
]

# username, display name, role on the demo call, funder?
PEOPLE = [
    ("claire", "Claire Dubois (ADEME)", Membership.Role.STEWARD, True),
    ("romain", "Romain Petit", Membership.Role.REVIEWER, False),
    ("lea", "Léa Moreau", None, False),
    ("sam", "Sam Lefèvre", None, False),
]

# The pages show each resource's title as their heading: the texts start below it.
SCHOOLYARD_GUIDE = """\
## Pourquoi

Une cour entièrement bitumée stocke la chaleur et la restitue la nuit.
Désimperméabiliser, c'est rendre le sol à l'eau de pluie et à la végétation.

## Étapes

1. Réunir élèves, enseignants, agents d'entretien et parents dès le diagnostic.
2. Mesurer les températures de surface avant les travaux.
3. Dessiner la cour avec les enfants : ombre, jeux, coins calmes.
4. Dépaver, planter, installer des noues pour l'eau de pluie.
5. Mesurer de nouveau l'été suivant et publier les résultats.

## À compléter

Vos retours sur les coûts, les essences plantées et l'entretien sont les
bienvenus : modifiez cette page.
"""

VACANCY_METHOD = """\
Remettre sur le marché un logement vacant évite de construire sur un sol
naturel. Cette méthode croise des sources publiques pour repérer les
logements durablement vacants d'une commune.

## Données

- le fichier des logements vacants (LOVAC) ;
- les fichiers fonciers ;
- les observations de terrain des agents.

## Étapes

1. Extraire les logements vacants depuis plus de deux ans.
2. Écarter ceux dont la vacance est expliquée (travaux, succession).
3. Vérifier sur le terrain un échantillon de chaque quartier.
4. Contacter les propriétaires avec un courrier type.
"""


class Command(BaseCommand):
    help = (
        "Loads a demo call with its challenges, accounts and resources, "
        "only when the database has no call yet. Prints the demo passwords."
    )

    def handle(self, *args, **options):
        if Call.objects.exists():
            self.stdout.write("The database already holds calls: no demo loaded.")
            return
        with transaction.atomic():
            users, passwords = self._load_people()
            call = self._load_call(users)
            _load_demo_resources(call, users)
        self.stdout.write(f"Demo call loaded: {call.get_absolute_url()}")
        self.stdout.write("Demo accounts (username / password):")
        for username, _name, role, funder in PEOPLE:
            password = passwords.get(username, "(existing account, password unchanged)")
            what = ", ".join(filter(None, [funder and "funder", role and str(role.label).lower()]))
            self.stdout.write(f"  {username:8} {password}  {what or 'contributor'}")

    def _load_people(self):
        users, passwords = {}, {}
        for username, display_name, _role, funder in PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"display_name": display_name, "email": f"{username}@example.org"},
            )
            if created:
                passwords[username] = secrets.token_urlsafe(12)
                user.set_password(passwords[username])
                user.save()
            if funder:
                user.groups.add(Group.objects.get(name="funders"))
            users[username] = user
        return users, passwords

    def _load_call(self, users):
        morning = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
        call = launch_call(
            call=Call(
                slug="sobriete-et-resilience",
                title="Sobriété et résilience des territoires",
                summary=(
                    "Des communs pour aider les territoires à consommer moins "
                    "et à s'adapter au changement climatique."
                ),
                description=CALL_DESCRIPTION,
                funder_name="ADEME",
                opens_at=morning - timedelta(days=14),
                closes_at=morning + timedelta(days=120, hours=9),
                budget_amount="1000000.00",
                budget_currency="EUR",
                allowed_licenses=["etalab-2.0", "CC-BY-SA-4.0", "CC-BY-4.0"],
                default_license="etalab-2.0",
                approvals_required=1,
                resource_template=FICHE_TEMPLATE,
                required_sections=FICHE_SECTIONS,
                funding_min="10000.00",
                funding_max="100000.00",
            ),
            funder=users["claire"],
        )
        move_status(call=call, to=Call.Status.OPEN, actor=users["claire"])
        for username, _name, role, _funder in PEOPLE:
            if role == Membership.Role.REVIEWER:
                set_member(call=call, user=users[username], role=role)
        for slug, title, description in CHALLENGES:
            Challenge.objects.create(call=call, slug=slug, title=title, description=description)
        # A co-funder beside ADEME (the lead funder), on one défi only.
        funding.save_funder(
            call=call,
            actor=users["claire"],
            name="Fondation Macif",
            budget_amount="200000.00",
            challenges=["ilots-de-chaleur"],
        )
        for title, days in CUTOFFS:
            add_cutoff(
                call=call,
                title=title,
                date=(call.opens_at + timedelta(days=days)).date(),
                actor=users["claire"],
            )
        return call


def _load_demo_resources(call, users):
    """Two communs, an edit, a review, a team and threads, so the pages have something to show.

    The notifications they cause are written after the commit (the tasks).
    """
    guide = create_resource(
        call=call,
        author=users["lea"],
        title="Guide de désimperméabilisation des cours d'école",
        content=SCHOOLYARD_GUIDE,
        # A cooler schoolyard is also land given back to the soil: it answers both défis.
        challenges=list(call.challenges.filter(slug__in=["ilots-de-chaleur", "sobriete-fonciere"])),
        comment="Premier jet",
    )
    watering = edit_resource(
        resource=guide.resource,
        author=users["sam"],
        content=SCHOOLYARD_GUIDE.replace(
            "5. Mesurer de nouveau",
            "5. Prévoir l'arrosage des deux premiers étés.\n6. Mesurer de nouveau",
        ),
        base_version=guide.number,
        comment="Ajout de l'arrosage",
    )
    # Romain validates the guide with Sam's addition: its stable text, which the
    # retribution counts. The method below stays unreviewed, so it earns nothing yet.
    reviewing.record_review(
        version=watering.version,
        reviewer=users["romain"],
        verdict="approve",
        comment="Clair et directement utilisable. L'arrosage des premiers étés est bienvenu.",
    )
    retribution.set_reviewers_share(call=call, actor=users["claire"], percent="10")
    create_resource(
        call=call,
        author=users["sam"],
        title="Méthode de repérage des logements vacants",
        content=VACANCY_METHOD,
        license="CC-BY-SA-4.0",
        challenge=call.challenges.get(slug="sobriete-fonciere"),
        comment="Méthode issue de notre expérimentation",
    )
    # People around the guide: Sam joins it and asks Léa about one of its sentences.
    teams.join(resource=guide.resource, user=users["sam"])
    thread = discussing.start_thread(
        call=call,
        resource=guide.resource,
        author=users["sam"],
        title="Arroser deux étés, ou trois ?",
        body="@lea, d'après vos mesures, deux étés suffisent-ils aux jeunes arbres ?",
        version=guide.resource.versions.get(number=2),
        quote="Prévoir l'arrosage des deux premiers étés.",
    )
    discussing.add_post(
        thread=thread,
        author=users["lea"],
        body="Deux étés pour les arbustes ; trois pour les arbres de plus de deux mètres.",
    )
    discussing.start_thread(
        call=call,
        author=users["claire"],
        title="Bienvenue dans le forum de l'appel",
        body="Présentez-vous ici, et dites sur quel défi vous souhaitez travailler.",
    )
