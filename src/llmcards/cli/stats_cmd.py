"""`llmcards stats` and `llmcards optimize`: what the history says, and FSRS fitted to it."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from llmcards.cli.state import STATE
from llmcards.wording import counted


def stats(
    deck: Annotated[
        str | None,
        typer.Option("--deck", "-d", help="Deck (full path or its last part); includes sub-decks."),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the numbers as JSON (shape: llmcards.stats.compute)."),
    ] = False,
) -> None:
    """Heatmap, reviews per day, true retention, due forecast, memory, hardest cards.

    Cards with at least `leech_threshold` lapses are tagged `leech` and suspended first,
    as Anki does (once: unsuspend one and it stays unsuspended).
    """
    from llmcards import clock
    from llmcards.stats.compute import compute_stats
    from llmcards.stats.leeches import mark_leeches

    settings = STATE.settings()
    now = clock.now()
    db = STATE.open()
    try:
        with db.write() as conn:
            marked = mark_leeches(conn, settings.leech_threshold)
        with db.read() as conn:
            result = compute_stats(conn, deck=deck, now=now, settings=settings)
    finally:
        db.close()
    if as_json:
        from llmcards.cli.output import print_json

        print_json({**result.as_json(), "leeches_marked": marked})
        return
    from llmcards.cli.output import console
    from llmcards.stats_view import stats_renderable

    out = console()
    if marked:
        out.print(
            f"[bold red]Tagged and suspended {len(marked)} leech{'es' if len(marked) > 1 else ''}[/bold red] "
            f"(≥ {counted(settings.leech_threshold, 'lapse')}): rewrite their notes, then unsuspend them."
        )
    out.print(stats_renderable(result))


def optimize(
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate", help="Only compare current and fitted parameters; save nothing."
        ),
    ] = False,
    simulate: Annotated[
        bool,
        typer.Option(
            "--simulate", help="Show the daily workload of a range of desired retentions."
        ),
    ] = False,
    reschedule: Annotated[
        bool,
        typer.Option(
            "--reschedule", help="After saving new parameters, reschedule every card with them."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask before rescheduling.")
    ] = False,
) -> None:
    """Fit FSRS parameters to your review history; keep them only if they predict it better."""
    from llmcards import clock
    from llmcards.stats import optimize as opt

    if reschedule and not yes and (as_json or not _interactive()):
        from llmcards.errors import UserError

        raise UserError(
            "--reschedule changes every card's due date; add --yes to confirm it non-interactively"
        )
    settings = STATE.settings()
    now = clock.now()
    history = _read_history(now, settings.rollover_hour)
    result = opt.optimize(history, settings)
    if result.worker_trouble:
        import sys

        sys.stderr.write(
            f"llmcards: note: fitted in one process, which takes longer ({result.worker_trouble})\n"
        )
    saved = False
    if result.improved and not evaluate and result.fitted_parameters:
        settings = _keep_parameters(
            settings, result.fitted_parameters, now, result.cross_day_reviews
        )
        saved = True
    if not as_json:
        _show_result(result, saved=saved, reschedule=reschedule)
    rescheduled = workload = None
    if (reschedule and saved) or simulate:
        db = STATE.open()
        try:
            rescheduled = _reschedule(db, settings, now, wanted=reschedule and saved, yes=yes)
            if rescheduled is not None and not as_json:
                skipped = rescheduled["skipped"]
                _say(
                    f"Rescheduled {counted(rescheduled['rescheduled'], 'card')} with the new parameters"
                    + (
                        f" ({skipped} without their first rating kept their dates)."
                        if skipped
                        else "."
                    )
                )
            workload = _workload(db, settings) if simulate else None
        finally:
            db.close()
    if as_json:
        from llmcards.cli.output import print_json

        print_json(
            {
                **result.as_json(),
                "saved": saved,
                "rescheduled": rescheduled,
                "workload": None if workload is None else [p.as_json() for p in workload[0]],
            }
        )
        return
    if workload is not None:
        from llmcards.cli.output import console
        from llmcards.stats_view import workload_renderable

        points, deck_size = workload
        console().print(
            workload_renderable(
                points,
                current=settings.desired_retention,
                deck_size=deck_size,
                new_per_day=settings.new_per_day,
            )
        )


def _read_history(now: Any, rollover_hour: int) -> Any:
    """The review log straight from the SQLite file, without loading the store (~0.35 s
    of imports); a file it cannot read that way (missing, older schema) takes the usual
    open first, which creates, migrates or explains."""
    from llmcards.stats.optimize import load_history
    from llmcards.store.fastread import raw_connection

    with raw_connection(STATE.db_path) as conn:
        return load_history(conn, now=now, rollover_hour=rollover_hour)


def _keep_parameters(settings: Any, parameters: list[float], now: Any, reviews: int) -> Any:
    """Save fitted parameters in this database (never the settings file: they describe
    this collection's reviews); the settings to go on with."""
    from dataclasses import replace

    from llmcards.store.parameters import save_parameters

    db = STATE.open()
    try:
        with db.write() as conn:
            save_parameters(conn, parameters, fitted_at=now, reviews=reviews)
    finally:
        db.close()
    return replace(settings, fsrs_parameters=list(parameters))


def _show_result(result: Any, *, saved: bool, reschedule: bool) -> None:
    from llmcards.cli.output import console
    from llmcards.stats_view import optimize_renderable

    console().print(optimize_renderable(result, saved=saved))
    if reschedule and not saved:
        _say("Nothing rescheduled: the parameters did not change.", style="dim")
    elif saved and not reschedule:
        _say("Run `llmcards optimize --reschedule` to move existing due dates too.", style="dim")


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()


def _say(text: str, style: str = "") -> None:
    from llmcards.cli.output import console

    console().print(text, style=style, markup=False)


def _reschedule(
    db: Any, settings: Any, now: Any, *, wanted: bool, yes: bool
) -> dict[str, int] | None:
    if not wanted:
        return None
    from llmcards.stats.reschedule import reschedule_cards

    if not yes and not typer.confirm(
        "Reschedule every card with the new parameters? (the review history is kept)",
        default=False,
    ):
        return None
    with db.write() as conn:
        report = reschedule_cards(conn, settings.fsrs_parameters, settings, now=now)
    return {"rescheduled": report.rescheduled, "skipped": report.skipped}


def _workload(db: Any, settings: Any) -> tuple[list[Any], int]:
    from llmcards.stats.optimize import current_parameters
    from llmcards.stats.workload import simulate_workload
    from llmcards.store.reads import active_card_count

    with db.read() as conn:
        deck_size = max(active_card_count(conn), 100)
    points = simulate_workload(
        current_parameters(settings), deck_size=deck_size, new_per_day=settings.new_per_day
    )
    return points, deck_size


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)
    app.command("optimize")(optimize)
