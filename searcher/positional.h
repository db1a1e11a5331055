/*
 * positional.h - what the phrase scorer (positional.c) offers beyond scorer.h: a floor set by
 * a top-k collector, so that a quoted phrase need not decode positions where it cannot win.
 *
 * A phrase's score is bounded, before any position is read, by its words' tfs and the
 * passage's length (positional.c explains the bound); a collector that knows its threshold
 * theta, and how much the other clauses can add at most (rest), lets the phrase pass over
 * every block and passage whose bound b fails the collector's own pruning test
 *     (b + rest) * (1 + 1e-9) + 1e-12 > theta
 * (maxscore.c: the 1e-9 absorbs rounding).  Such a passage's total cannot beat theta, so a top
 * k whose threshold only grows loses nothing: pruned results stay identical to exhaustive
 * ones (tests/unit/test_search.c).  Without a floor (the default) the phrase stops on every
 * match, as the exhaustive path, counting and --explain need.
 */
#ifndef IBID_POSITIONAL_H
#define IBID_POSITIONAL_H

#include "scorer.h"

/* Sets (or raises) the floor of s when s is a phrase scorer (ibid_scorer_phrase) and returns 1;
   returns 0 and does nothing for any other scorer.  It takes effect at the next next() or
   advance(); s does not move.  theta must never decrease between calls on one scorer. */
int ibid_scorer_phrase_floor(ibid_scorer *s, double theta, double rest);

#endif
