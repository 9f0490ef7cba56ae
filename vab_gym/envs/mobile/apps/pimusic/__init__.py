"""Pi Music Player (AndroidLab's pimusic tasks): TRACKS, ALBUMS, ARTISTS and PLAYLISTS tabs,
a "Sort By" dialog per list, playlists, a player with "Now Playing list", "Equalizer" and a
seek bar."""

from pathlib import Path

from vab_gym.envs.mobile.apps import PhoneApp
from vab_gym.envs.mobile.apps.pimusic import data, goals, plans, screens, train

APP = PhoneApp(
    key="pimusic",
    title="Pi Music Player",
    start="/pimusic/tracks",
    package="com.Project100Pi.themusicplayer",
    folder=Path(__file__).parent,
    routes=screens.routes,
    schema=data.SCHEMA,
    seed=data.seed,
    goals=goals.GOALS,
    plans=plans.PLANS,
    prototypes=train.PROTOTYPES,
    ground=train.ground,
    vary=train.vary,
)
