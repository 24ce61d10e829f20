//! One small component per file. Components reach the app's verbs through the
//! [`Analyzer`](crate::web::analyzer::Analyzer) context and never import the app itself.

pub mod apparmor_view;
pub mod build_page;
pub mod cap_builder;
pub mod compare_page;
pub mod compare_view;
pub mod cross_check_view;
pub mod digest;
pub mod disclosure;
pub mod drop_zone;
pub mod format;
pub mod image;
pub mod image_page;
pub mod inputs;
pub mod layer_matrix;
pub mod mask_view;
pub mod paste_box;
pub mod process_page;
pub mod rich_text;
pub mod scroll_box;
pub mod seccomp_compare;
pub mod seccomp_context;
pub mod seccomp_table;
pub mod seccomp_view;
pub mod status_panels;
pub mod status_view;
