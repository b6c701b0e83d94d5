//! Tabs whose analyses are not built yet: what they will show and the data they will use.

use super::Loaded;
use super::Tab;
use super::i18n::{Lang, T, tr};
use crate::data::TableKind;
use egui::{RichText, Ui};

/// Draws a tab that is still to come.
pub fn placeholder(ui: &mut Ui, lang: Lang, tab: Tab, loaded: Option<&Loaded>) {
    let (text, needs): (T, &[TableKind]) = match tab {
        Tab::Campaigns => (
            T::ComingCampaigns,
            &[TableKind::Impressions, TableKind::Users, TableKind::Courses],
        ),
        Tab::Data | Tab::Profiles | Tab::Segments | Tab::Recommendations | Tab::Experiments => {
            return;
        }
    };
    ui.add_space(24.0);
    ui.heading(tr(lang, tab.label()));
    ui.label(RichText::new(tr(lang, text)).size(15.0));
    ui.add_space(8.0);
    ui.strong(tr(lang, T::Needs));
    for kind in needs {
        let rows = loaded
            .and_then(|l| l.dataset.table(*kind))
            .map_or("—".to_string(), |t| t.report.accepted.to_string());
        ui.label(format!("  {}.csv: {rows}", kind.stem()));
    }
}
