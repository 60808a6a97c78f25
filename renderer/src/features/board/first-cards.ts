/**
 * How many cards a board renders at once before the rest (as a transition): more than a screenful
 * at any board width (a card is at least 19rem wide and about 13rem tall). Read by BoardScreen, its
 * browser test and the 500-session bench (which times "usable" as this many cards shown).
 */
export const FIRST_CARDS = 48;
