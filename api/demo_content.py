"""The demo tenant's blogs and posts, in French and English.

``days_ago`` spreads the publications over the last 90 days (comments and votes follow
each post in the days after it); ``cover`` names a drawing of the theme's
``public/covers/`` (``{cover}-960w.webp`` and its 480 and 1440 siblings)."""

from __future__ import annotations

from typing import Any

DEMO_BLOGS: list[dict[str, Any]] = [
    {
        "owner": "alice@demo.causerie.test",
        "title": "Carnets de voyage",
        "description": "Les escapades d'Alice, du Vercors aux Cyclades.",
        "language": "fr",
        "posts": [
            {
                "title": "Trois jours dans le Vercors",
                "days_ago": 62,
                "cover": "vercors",
                "tags": ["Montagne", "Randonnée"],
                "body": (
                    "Le Vercors, c'est d'abord un **plateau** qui surplombe Grenoble.\n\n"
                    "## Jour 1 : les Hauts Plateaux\n\n"
                    "Départ à l'aube depuis Corrençon. Le sentier grimpe doucement entre "
                    "les pins à crochets.\n\n"
                    "- Distance : 18 km\n- Dénivelé : 650 m\n- Eau : aucune source fiable\n\n"
                    "> La réserve naturelle est la plus grande de France métropolitaine.\n\n"
                    "## Jour 2 : le Grand Veymont\n\n"
                    "Le sommet offre une vue sur le Mont Aiguille. Un moment magnifique."
                ),
                "comments": [
                    (
                        "reader@demo.causerie.test",
                        "Superbe récit, merci ! Ça donne envie d'y aller.",
                    ),
                    (
                        "lecteur@demo.causerie.test",
                        "Très bon itinéraire, je l'ai fait l'été dernier.",
                    ),
                    (None, "Dommage, aucune info sur les refuges. Un peu déçu."),
                ],
                "ratings": {"reader@demo.causerie.test": 5, "lecteur@demo.causerie.test": 4},
            },
            {
                "title": "Naxos hors saison",
                "days_ago": 34,
                "cover": "naxos",
                "tags": ["Grèce", "Îles"],
                "body": (
                    "En octobre, Naxos retrouve son calme. Les tavernes de Chora restent "
                    "ouvertes et la mer est encore à 22 °C.\n\n"
                    "| Plage | Ambiance |\n|---|---|\n| Plaka | sauvage |\n| Agios Prokopios | familiale |\n\n"
                    "Je recommande vivement la montée au temple de Déméter."
                ),
            },
            {
                "title": "Préparer son sac pour la montagne",
                "days_ago": 9,
                "cover": "sac",
                "tags": ["Montagne", "Conseils"],
                "body": (
                    "Un bon sac pèse moins de 8 kg. Voici ma liste :\n\n"
                    "1. Une veste imperméable\n2. Une frontale\n3. De quoi manger\n\n"
                    "Et surtout : prévenez quelqu'un de votre itinéraire."
                ),
            },
        ],
    },
    {
        "owner": "bruno@demo.causerie.test",
        "title": "Tech & Café",
        "description": "Bruno writes about the tools he uses every day.",
        "language": "en",
        "posts": [
            {
                "title": "Why we moved our search to PostgreSQL",
                "days_ago": 81,
                "cover": "search",
                "tags": ["PostgreSQL", "Search"],
                "body": (
                    "We were running a separate search cluster for 40,000 documents. "
                    "That was one system too many.\n\n"
                    "```sql\nSELECT title FROM posts\nWHERE search @@ websearch_to_tsquery('english', 'running shoes');\n```\n\n"
                    "Stemming means *running* matches *run*. Ranking is good enough for a blog."
                ),
                "comments": [
                    (
                        "reader@demo.causerie.test",
                        "Great write-up, this is exactly what we needed.",
                    ),
                    (
                        "lecteur@demo.causerie.test",
                        "The ranking is terrible for long documents though.",
                    ),
                ],
                "ratings": {"reader@demo.causerie.test": 4, "alice@demo.causerie.test": 5},
            },
            {
                "title": "A week with a mechanical keyboard",
                "days_ago": 47,
                "cover": "keyboard",
                "tags": ["Hardware"],
                "body": (
                    "Loud, satisfying, and surprisingly good for my wrists. "
                    "I love the tactile switches; I hate the price."
                ),
            },
            {
                "title": "Notes on writing good error messages",
                "days_ago": 18,
                "tags": ["APIs", "Writing"],
                "body": (
                    "An error message should say what happened, why, and what to do next.\n\n"
                    "> Bad: `Error 42`.\n> Good: `The slug is taken: choose another one.`"
                ),
            },
        ],
    },
    {
        "owner": "manager@demo.causerie.test",
        "title": "La vie de la communauté",
        "description": "Les nouvelles de la communauté Causerie Demo.",
        "language": "fr",
        "posts": [
            {
                "title": "Bienvenue sur le blog de la communauté",
                "days_ago": 88,
                "cover": "community",
                "tags": ["Annonces"],
                "body": (
                    "Bienvenue ! Ici, nos ambassadeurs partagent leurs découvertes. "
                    "Commentez, notez les billets, et dites-nous ce que vous aimeriez lire."
                ),
                "comments": [
                    (
                        "reader@demo.causerie.test",
                        "Bravo pour ce nouveau blog, j'adore le concept !",
                    ),
                    (None, "Le service client ne répond jamais, c'est nul."),
                ],
                "ratings": {"reader@demo.causerie.test": 5, "lecteur@demo.causerie.test": 3},
            },
            {
                "title": "Le programme ambassadeurs 2027",
                "tags": ["Annonces", "Ambassadeurs"],
                "scheduled_in_days": 14,
                "body": "Le programme 2027 sera dévoilé ici même. Restez à l'écoute !",
            },
            {
                "title": "Brouillon : idées pour la rentrée",
                "tags": ["Interne"],
                "draft": True,
                "body": "Liste d'idées encore en vrac.",
            },
        ],
    },
]
