//! The Compare view's verbs on the [`Analyzer`]: compare two dropped archives, the archive on
//! screen with another, or two images of the archive on screen; stop; close.

use super::analyzer::Analyzer;
use super::compare_client::Pair;
use super::compare_state::CompareAction;
use super::protocol::{error_report, CompareStats, Response};
use crate::core::compare::KnownHashes;
use super::state::Action;

impl Analyzer {
    /// Compares image 0 of `a` with image 0 of `b` (two archives dropped at once).
    pub fn compare_files(&self, a: web_sys::File, b: web_sys::File) {
        let pair = Pair { name_a: a.name(), name_b: b.name(), file_a: a, file_b: Some(b), image_a: 0, image_b: 0 };
        self.start_compare(pair, false);
    }

    /// The layers the images of several archives dropped at once share.
    pub fn compare_many(&self, files: Vec<web_sys::File>) {
        let id = self.next_id();
        let names: Vec<String> = files.iter().map(web_sys::File::name).collect();
        self.dispatch_compare(CompareAction::Started { id, name_a: names.join(", "), name_b: String::new() });
        if let Err(message) = self.compare.start_shared(self.dispatcher(), id, &files) {
            self.state.dispatch(Action::Worker(Response::SharedLayers { id, result: Err(error_report("worker", message)) }));
        }
    }

    /// Compares the image on screen with image 0 of `other`.
    pub fn compare_with(&self, other: web_sys::File) {
        let Some((file, image)) = self.file_on_screen() else { return self.compare_failed("The archive on screen is no longer at hand; open it again.") };
        let pair = Pair { name_a: self.image_label(image), name_b: other.name(), file_a: file, file_b: Some(other), image_a: image, image_b: 0 };
        self.start_compare(pair, true);
    }

    /// Compares two images of the archive on screen.
    pub fn compare_images(&self, image_a: usize, image_b: usize) {
        let Some((file, _)) = self.file_on_screen() else { return self.compare_failed("The archive on screen is no longer at hand; open it again.") };
        let pair = Pair { name_a: self.image_label(image_a), name_b: self.image_label(image_b), file_a: file, file_b: None, image_a, image_b };
        self.start_compare(pair, true);
    }

    /// Stops the comparison running (or waiting for the index of the archive on screen).
    pub fn cancel_compare(&self) {
        self.images.forget(self.state.compare.latest);
        self.compare.cancel();
        self.dispatch_compare(CompareAction::Cancelled);
    }

    /// Closes the Compare view (stopping a comparison still running).
    pub fn close_compare(&self) {
        self.images.forget(self.state.compare.latest);
        self.compare.cancel();
        self.dispatch_compare(CompareAction::Closed);
    }

    /// Starts comparing `pair`; with `on_screen` (side A is the archive on screen), once its
    /// worker's index has arrived (without it, side A is indexed again).
    fn start_compare(&self, pair: Pair, on_screen: bool) {
        let id = self.next_id();
        self.dispatch_compare(CompareAction::Started { id, name_a: pair.name_a.clone(), name_b: pair.name_b.clone() });
        self.compare.cancel();
        self.compare.set_current(id);
        let (compare, dispatch) = (self.compare.clone(), self.dispatcher());
        let start = move |index: wasm_bindgen::JsValue| {
            // A comparison asked for since, or Cancel, wins over one that waited for an index.
            if !compare.is_current(id) {
                return;
            }
            if let Err(message) = compare.start(dispatch.clone(), id, &pair, &index) {
                dispatch(Action::Worker(Response::Compared { id, result: Err(error_report("worker", message)), known: KnownHashes::default(), stats: CompareStats::default() }));
            }
        };
        if on_screen {
            self.images.ask_index(id, Box::new(start));
        } else {
            start(wasm_bindgen::JsValue::UNDEFINED);
        }
    }

    fn compare_failed(&self, message: &str) {
        let id = self.next_id();
        self.dispatch_compare(CompareAction::Started { id, name_a: String::new(), name_b: String::new() });
        self.state.dispatch(Action::Worker(Response::Compared { id, result: Err(error_report("no_file", message)), known: KnownHashes::default(), stats: CompareStats::default() }));
    }

    /// The file and selected image of the archive on screen.
    pub(super) fn file_on_screen(&self) -> Option<(web_sys::File, usize)> {
        let loaded = self.state.image.loaded.as_ref()?;
        Some((self.compare.file_of(loaded.session)?, loaded.image))
    }

    /// `name` for a one-image archive, `name (image N: tags)` for one of several.
    fn image_label(&self, image: usize) -> String {
        let Some(loaded) = self.state.image.loaded.as_ref() else { return String::new() };
        let name = loaded.report.archive.name.clone();
        if loaded.report.images.len() < 2 {
            return name;
        }
        let tags = loaded.report.images.get(image).map(|i| i.tags.join(", ")).unwrap_or_default();
        if tags.is_empty() { format!("{name} (image {image})") } else { format!("{name} (image {image}: {tags})") }
    }

    fn dispatch_compare(&self, action: CompareAction) {
        self.state.dispatch(Action::Compare(action));
    }
}
