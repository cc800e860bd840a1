//! `BatchStatsCard`: a finished batch's error statistics (contract §5.9.4), where the server
//! has them: every known figure with its label, any other number with the server's own
//! name, and the same figures as CSV.

use crate::api::later::{BatchStats, StatField};
use crate::api::types::BatchStatus;
use crate::download::{save_text, today};
use crate::export;
use crate::hooks::use_api::use_api;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use crate::intl;
use yew::prelude::*;

/// Props: the batch and its status (figures are asked for once it has finished).
#[derive(Properties, PartialEq)]
pub struct BatchStatsCardProps {
    pub batch_uuid: AttrValue,
    pub name: AttrValue,
    pub status: BatchStatus,
}

/// The statistics as CSV (pure): the server's names and numbers, so a spreadsheet or script
/// reading it does not depend on the user's language.
pub fn stats_csv(stats: &BatchStats) -> String {
    let rows = stats.0.iter().map(|(field, value)| vec![field.wire_name().to_string(), value.to_string()]);
    export::document(&["figure", "value"], rows)
}

/// The card; nothing at all where the server has no statistics or they could not be read.
#[component]
pub fn BatchStatsCard(props: &BatchStatsCardProps) -> Html {
    let locale = use_locale();
    let text = locale.actions();
    let client = use_api();
    let stats = use_state(|| None::<BatchStats>);
    {
        let (stats, client, uuid) = (stats.clone(), client.clone(), props.batch_uuid.to_string());
        use_effect_with(props.status.is_terminal(), move |finished| {
            if *finished {
                wasm_bindgen_futures::spawn_local(async move {
                    let figures = match client.features().await.stats {
                        true => client.stats(&uuid).await.ok().filter(|s| !s.0.is_empty()),
                        false => None,
                    };
                    stats.set(figures);
                });
            }
        });
    }
    let Some(figures) = (*stats).clone() else { return Html::default() };
    let export = {
        let (figures, name) = (figures.clone(), props.name.to_string());
        Callback::from(move |_: MouseEvent| {
            // A refused download (a browser policy) leaves the figures on screen all the same.
            let _ =
                save_text(&export::file_name(&name, "stats", &today()), &stats_csv(&figures), "text/csv;charset=utf-8");
        })
    };
    html! {
        <section class="batch-stats" aria-labelledby="stats-heading" data-testid="batch-stats">
            <h2 id="stats-heading">{ text.stats_title }</h2>
            <dl class="stats-grid">
                { for figures.0.iter().map(|(field, value)| {
                    let label = i18n::stat_label(locale, field);
                    let label = match field {
                        StatField::Other(_) => html! { <code>{ label }</code> },
                        _ => html! { { label } },
                    };
                    html! { <div><dt>{ label }</dt><dd>{ intl::number(locale, *value) }</dd></div> }
                }) }
            </dl>
            <button type="button" class="button" data-testid="export-stats" onclick={export}>{ text.stats_export }</button>
        </section>
    }
}

// Native only: the csv crate reads the file back.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_csv_keeps_the_servers_names_and_numbers() {
        let stats = BatchStats(vec![(StatField::Sheets, 1160), (StatField::Other("err_blank_page_total".into()), 4)]);
        let csv = stats_csv(&stats);
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<Vec<String>> =
            reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
        assert_eq!(
            rows,
            vec![vec!["sheets_total".to_string(), "1160".into()], vec!["err_blank_page_total".into(), "4".into()]]
        );
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["figure", "value"]);
    }
}
