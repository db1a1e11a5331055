/*
 * plan.h - from a parsed query (query.h) to a scorer tree (scorer.h).
 *
 * Planning looks every word up in the index (stems for plain words, exact forms for quoted
 * ones), expands prefixes, resolves filters and builds the scorers.  Parts that cannot match
 * (an unknown word) become empty scorers and are simplified away: an unknown SHOULD word is
 * dropped, an unknown MUST word empties its group.
 *
 * Semantics (docs/query-syntax.md): a BOOL with a MUST child requires every MUST child and
 * SHOULD children only add score; without one, at least one SHOULD child must match.  NOT
 * children and filters veto.  A group of filters alone keeps every passage that passes them
 * (score 0); a group whose positive part is empty (only -x) matches nothing.  alternatives
 * (a compound word) scores the best matching child.  A prefix matches the
 * IBID_PREFIX_MAX_TERMS most frequent terms among the forms that start with it (looking at
 * most IBID_PREFIX_MAX_FORMS forms), each restricted to the forms that start with the prefix,
 * and scores as its best matching expansion.
 */
#ifndef IBID_PLAN_H
#define IBID_PLAN_H

#include "analyze.h"
#include "query.h"
#include "scorer.h"

enum { IBID_PREFIX_MAX_TERMS = 256, IBID_PREFIX_MAX_FORMS = 20000 };

/* Builds the scorer tree of q in ev (which owns it); *root is never NULL on success (an empty
   scorer when nothing can match).  an is used for filter values.  Returns IBID_OK, IBID_ENOMEM
   or IBID_ECORRUPT. */
int ibid_plan_build(ibid_eval *ev, ibid_analyzer *an, const ibid_query *q, ibid_scorer **root);

#endif
