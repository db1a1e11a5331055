/*
 * query_rank.c - ranking adjustments of a parsed query's top level (see query_rank.h).
 *
 * Works on the root only: the clauses a user typed side by side.  Repeated clauses are found
 * by comparing each SHOULD clause with the ones kept before it (queries are short: at most
 * IBID_MAX_QUERY_TERMS words, so the quadratic scan is cheap).  A compound's parts become new
 * TERM nodes that share the words of its PHRASE (strings stay owned by the query's arena).
 */
#include "query_rank.h"

#include <string.h>

#include "status.h"

/* The string a word matches by: its form when exact or a prefix, else its stem. */
static const char *match_key(const ibid_qnode *n, const ibid_qword *w)
{
    return n->exact || n->type == IBID_Q_PREFIX ? w->form : w->term;
}

/* 1 when a and b match and score alike. */
static int same_clause(const ibid_qnode *a, const ibid_qnode *b)
{
    if (a->type != b->type || a->occur != b->occur || a->exact != b->exact || a->nwords != b->nwords ||
        a->nchildren != b->nchildren || a->alternatives != b->alternatives || a->synonyms != b->synonyms)
        return 0;
    if (a->type == IBID_Q_FILTER)
        return 0; /* filters do not score: a repeated one is harmless, and keeps the shape */
    if (a->type == IBID_Q_NEAR && a->distance != b->distance)
        return 0;
    for (size_t i = 0; i < a->nwords; i++)
        if (a->words[i].offset != b->words[i].offset || strcmp(match_key(a, &a->words[i]), match_key(b, &b->words[i])))
            return 0;
    for (size_t i = 0; i < a->nchildren; i++)
        if (!same_clause(a->children[i], b->children[i]))
            return 0;
    return 1;
}

/* Drops the SHOULD children of root that repeat an earlier SHOULD child. */
static void drop_repeats(ibid_qnode *root)
{
    size_t kept = 0;
    for (size_t i = 0; i < root->nchildren; i++) {
        ibid_qnode *c = root->children[i];
        int repeat = 0;
        for (size_t j = 0; c->occur == IBID_OCCUR_SHOULD && j < kept && !repeat; j++)
            repeat = root->children[j]->occur == IBID_OCCUR_SHOULD && same_clause(root->children[j], c);
        if (!repeat)
            root->children[kept++] = c;
    }
    root->nchildren = kept;
}

/* 1 when n is an unquoted compound as the parser makes it: (ALT joined <parts>). */
static int is_compound(const ibid_qnode *n)
{
    return n->type == IBID_Q_BOOL && n->alternatives && !n->synonyms && n->nchildren == 2 &&
           n->children[0]->type == IBID_Q_TERM && n->children[1]->type == IBID_Q_PHRASE &&
           !n->children[1]->exact && n->children[1]->nwords >= 2;
}

/* Adds to compound n the alternative "its parts as a ranked OR". */
static int add_parts(ibid_arena *ar, ibid_qnode *n)
{
    const ibid_qnode *ph = n->children[1];
    ibid_qnode *or = ibid_arena_alloc(ar, sizeof *or);
    ibid_qnode **kids = ibid_arena_alloc(ar, ph->nwords * sizeof *kids);
    ibid_qnode **alts = ibid_arena_alloc(ar, 3 * sizeof *alts);
    ibid_qnode *terms = ibid_arena_alloc(ar, ph->nwords * sizeof *terms);
    ibid_qword *words = ibid_arena_alloc(ar, ph->nwords * sizeof *words);
    if (!or || !kids || !alts || !terms || !words)
        return IBID_ENOMEM;
    for (size_t i = 0; i < ph->nwords; i++) {
        words[i] = ph->words[i];
        words[i].offset = 0;
        memset(&terms[i], 0, sizeof terms[i]);
        terms[i].type = IBID_Q_TERM;
        terms[i].occur = IBID_OCCUR_SHOULD;
        terms[i].words = &words[i];
        terms[i].nwords = 1;
        kids[i] = &terms[i];
    }
    memset(or, 0, sizeof *or);
    or->type = IBID_Q_BOOL;
    or->occur = IBID_OCCUR_SHOULD;
    or->children = kids;
    or->nchildren = ph->nwords;
    alts[0] = n->children[0];
    alts[1] = n->children[1];
    alts[2] = or;
    n->children = alts; /* the old array stays in the arena */
    n->nchildren = 3;
    return IBID_OK;
}

int ibid_query_rank_adjust(ibid_query *q)
{
    ibid_qnode *root = q->root;
    if (!root || root->type != IBID_Q_BOOL || root->alternatives)
        return IBID_OK;
    drop_repeats(root);
    if (root->nchildren == 1 && root->children[0]->occur != IBID_OCCUR_NOT) {
        q->root = root->children[0];
        return IBID_OK;
    }
    size_t scoring = 0;
    for (size_t i = 0; i < root->nchildren; i++)
        scoring += root->children[i]->occur != IBID_OCCUR_NOT && root->children[i]->type != IBID_Q_FILTER;
    for (size_t i = 0; scoring >= 2 && i < root->nchildren; i++) {
        ibid_qnode *c = root->children[i];
        if (c->occur == IBID_OCCUR_SHOULD && is_compound(c)) {
            int rc = add_parts(&q->arena, c);
            if (rc < 0)
                return rc;
        }
    }
    return IBID_OK;
}
