"""Full-text search of a page queryset, best match first, in work that does not grow per match.

PostgreSQL: Wagtail's database backend joins the index rows and ranks them with `ts_rank` in the
same query (text-search configuration "simple": language-neutral, DESIGN §8). SQLite: its FTS5
query is fine, but ordering by relevance adds a correlated subquery that runs the MATCH again for
every matching page (issue 14: 34 of 36 ms of SQL at 10× data). Here the MATCH runs once,
returning each matching object's bm25 score, and the ranking is sorted from those scores.
"""

from django.db import connection
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks


def ranked_ids(queryset, query):
    """Ids of the pages of `queryset` matching every word of `query`, best match first."""
    results = queryset.search(query, operator="and")
    compiler = getattr(results, "query_compiler", None)
    if connection.vendor == "sqlite" and type(compiler).__name__ == "SQLiteSearchQueryCompiler":
        # Only with FTS5 (the backend falls back to a LIKE search without it).
        from modelsearch.backends.database.sqlite.query import normalize

        normalized = normalize(compiler.query)
        if not isinstance(normalized, MatchAll | Not):
            return _sqlite_ranked_ids(queryset, compiler, normalized, compiler.get_config(results.backend))
    if hasattr(results, "get_queryset"):
        return list(results.get_queryset().values_list("pk", flat=True))
    return [page.pk for page in results]


def _sqlite_ranked_ids(queryset, compiler, normalized, config):
    from modelsearch.backends.database.sqlite.query import MatchExpression
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

    match = MatchExpression(
        compiler.fields or compiler.FTS_TABLE_FIELDS, compiler.build_search_query(normalized, config)
    )
    scores = dict(
        SQLiteFTSIndexEntry.objects.filter(match)
        .filter(index_entry__content_type__in=get_descendants_content_types_pks(queryset.model))
        .annotate(score=compiler._build_rank_expression(compiler.get_search_vectors(), config))
        .values_list("index_entry__object_id", "score")
    )
    scores = {int(object_id): score for object_id, score in scores.items()}
    matching = queryset.filter(pk__in=list(scores)).values_list("pk", flat=True)
    # bm25 is negative, lower is better; ties newest first: Wagtail's own order (score, -pk).
    return sorted(matching, key=lambda pk: (scores[pk], -pk))
