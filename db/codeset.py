"""The codes CodeDesk curates: the chemodenervation family and its same-day companions.

Kept in one place so that the CMS extraction, the build and the tests agree.
"""

FAMILY = (
    "64612 64615 64616 64617 64640 64642 64643 64644 64645 64646 64647 "
    "95873 95874 95860 95861 95863 95864 95865 95866 95867 95868 95869 95870 95872 "
    "J0585 J0586 J0587 J0588"
).split()

COMPANIONS = (
    "99202 99203 99204 99205 99211 99212 99213 99214 99215 "
    "96372 20552 20553 64400 64450 76942 J0589"
).split()

CURATED = tuple(FAMILY + COMPANIONS)
