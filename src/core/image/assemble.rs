//! Stage 4, assemble: from the plan (stage 3) and the indexed layers (stage 2) to the
//! [`Analysis`]: the report's layer list (each blob once, shared between images), and per image
//! its history, merged filesystem ([`merge`](super::merge)), findings, packages and warnings.

use super::analysis::{Analysis, ConfigCheck};
use super::config::{self, RawImageConfig};
use super::error::{ImageError, Position};
use super::layer::{LayerIndex, StrTable};
use super::merge::{merge, Merged};
use super::parallel::MemberSpan;
use super::plan::{warn, Plan, PlannedImage, Resolver};
use super::progress::Progressor;
use super::report::{ArchiveInfo, HistoryStep, ImageLayer, ImageReport, LayerReport, Report, Warning};
use super::scan::{Blob, Member, Scanned};
use super::source::Compression;
use super::tar_index::{typeflag, WalkEnd};
use std::collections::HashMap;

/// What stage 4 needs besides the plan and the scan.
pub(crate) struct Assembly<'a, 'p> {
    pub name: &'a str,
    pub total_len: u64,
    pub compression: Compression,
    pub max_layer_bytes: u64,
    pub progress: &'a mut Progressor<'p>,
}

/// The report layers built so far: each blob becomes one, the first time an image uses it.
struct Layers<'a> {
    members: &'a [Member],
    resolver: &'a Resolver<'a>,
    blobs: Vec<Blob>,
    report: Vec<LayerReport>,
    /// `report[i]` is `blobs[layer_blob[i]]`.
    layer_blob: Vec<usize>,
    blob_layer: HashMap<usize, usize>,
}

/// Stage 4.
///
/// # Errors
/// [`ImageError::Corrupt`] when a layer an image needs is not a tar, the layer's own error when
/// it could not be read at all, and [`ImageError::Cancelled`].
pub(crate) fn assemble(plan: Plan, scanned: Scanned, a: Assembly<'_, '_>) -> Result<Analysis, ImageError> {
    let Scanned { members, blobs, tree, strings, end, stream_damage } = scanned;
    let Plan { format, images: planned, mut platforms, referenced, warnings: plan_warnings } = plan;
    let mut warnings = archive_warnings(end, stream_damage.map(|d| (d.at, d.what)), a.compression);
    warnings.extend(plan_warnings);
    let resolver = Resolver::new(&members);
    let mut layers = Layers {
        members: &members,
        resolver: &resolver,
        blobs,
        report: Vec::new(),
        layer_blob: Vec::new(),
        blob_layer: HashMap::new(),
    };
    let mut images = Vec::new();
    let mut merged_images = Vec::new();
    let mut configs = Vec::new();
    let mut config_spans = Vec::new();
    for (ii, p) in planned.into_iter().enumerate() {
        let cm = members.get(p.config_member).ok_or_else(|| ImageError::NotFound { what: "config member".into() })?;
        config_spans.push(MemberSpan { offset: cm.offset, size: cm.size });
        if let Some(d) = &p.config_digest {
            configs.push(ConfigCheck { offset: cm.offset, size: cm.size, member: cm.path.clone(), digest: d.clone() });
        }
        let config_member = cm.path.clone();
        if let Some(pl) = p.platform.and_then(|i| platforms.get_mut(i)) {
            pl.image = Some(ii);
        }
        let (image, merged) = assemble_image(ii, p, config_member, &mut layers, &tree, &strings, &mut warnings, a.progress)?;
        images.push(image);
        merged_images.push(merged);
    }
    warnings.extend(unreferenced(&members, &referenced));
    let Layers { blobs, report: report_layers, layer_blob, .. } = layers;
    let report = Report {
        archive: ArchiveInfo {
            name: a.name.to_owned(),
            size: a.total_len,
            compression: a.compression,
            format,
            members: members.len() as u64,
            files_indexed: a.progress.files,
        },
        images,
        layers: report_layers,
        platforms,
        warnings,
    };
    Ok(Analysis {
        report,
        tree,
        strings,
        outer_compression: a.compression,
        total_len: a.total_len,
        max_layer_bytes: a.max_layer_bytes,
        blobs,
        layer_blob,
        images: merged_images,
        configs,
        config_spans,
    })
}

/// What the end of the outer walk says about the archive as a whole.
fn archive_warnings(end: WalkEnd, stream_damage: Option<(Position, String)>, compression: Compression) -> Vec<Warning> {
    let mut warnings = Vec::new();
    match end {
        WalkEnd::Marker => {}
        WalkEnd::EofWithoutMarker => {
            warn(&mut warnings, "no_end_marker", "the archive ends without a tar end-of-archive marker".into())
        }
        WalkEnd::LoneZeroBlock { pos } => warnings.push(Warning {
            code: "lone_zero_block".into(),
            message: format!(
                "the archive ends with a lone zero block at byte {pos}{}: a tar end-of-archive marker is two, so it was probably cut short",
                if compression == Compression::None { "" } else { " of its tar" }
            ),
            position: Some(Position::file(pos)).filter(|_| compression == Compression::None),
        }),
    }
    if let Some((at, what)) = stream_damage {
        warnings.push(Warning {
            code: "damaged_stream".into(),
            message: format!(
                "the archive's {} data is damaged after the end of its tar ({what}): what was read is whole, but the file was cut short or changed",
                if compression == Compression::Zstd { "zstd" } else { "gzip" }
            ),
            position: Some(at),
        });
    }
    warnings
}

/// One image: its layers in the report, its history, merged filesystem, findings and packages.
#[allow(clippy::too_many_arguments)]
fn assemble_image(
    ii: usize,
    p: PlannedImage,
    config_member: String,
    layers: &mut Layers<'_>,
    tree: &super::fs_tree::PathTree,
    strings: &StrTable,
    warnings: &mut Vec<Warning>,
    progress: &mut Progressor<'_>,
) -> Result<(ImageReport, Merged), ImageError> {
    let RawImageConfig { architecture, os, variant, created, author, config: runtime, rootfs, history: raw_hist } = p.config;
    let diff_ids = rootfs.and_then(|r| r.diff_ids).unwrap_or_default();
    if diff_ids.len() != p.layers.len() {
        warn(warnings, "diff_ids_mismatch", format!("image {ii}: the config lists {} diff_ids for {} layers", diff_ids.len(), p.layers.len()));
    }
    let raw_hist = raw_hist.unwrap_or_default();
    let (history, per_layer_hist) = config::history(&raw_hist, p.layers.len());
    let nonempty = history.iter().filter(|h| !h.empty_layer).count();
    if !raw_hist.is_empty() && nonempty != p.layers.len() {
        warn(warnings, "history_mismatch", format!("image {ii}: history has {nonempty} non-empty steps for {} layers", p.layers.len()));
    }
    let mut positions = Vec::new();
    for (pos, pl) in p.layers.iter().enumerate() {
        let li = layers.layer(pl.member, pl.digest.clone(), pl.media_type.clone(), diff_ids.get(pos).cloned(), warnings)?;
        if let Some(lr) = layers.report.get_mut(li) {
            if !lr.images.contains(&ii) {
                lr.images.push(ii);
            }
        }
        positions.push(li);
    }
    progress.current = format!("image {ii}");
    progress.report()?;
    let indexes: Vec<&LayerIndex> = positions
        .iter()
        .filter_map(|&li| layers.layer_blob.get(li).and_then(|&b| layers.blobs.get(b)).map(|b| &b.index))
        .collect();
    let merged = merge(tree, &indexes, positions.clone());
    let image_layers = image_layers(&positions, &diff_ids, &history, &per_layer_hist, &merged);
    let ccfg = config::container_config(runtime.as_ref());
    let findings = super::findings::findings(tree, strings, &indexes, &merged, &ccfg);
    let (packages, removed_packages) = super::packages::packages(tree, &indexes, &merged, warnings);
    let os_release = super::os_release::os_release(tree, &indexes, &merged);
    let image = ImageReport {
        index: ii,
        tags: p.tags,
        manifest_digest: p.manifest_digest,
        manifest_media_type: p.manifest_media_type,
        config_digest: p.config_digest,
        config_member,
        os,
        architecture,
        variant,
        created,
        author,
        config: ccfg,
        history,
        layers: image_layers,
        merged: merged.stats.clone(),
        efficiency: merged.efficiency.clone(),
        findings,
        packages,
        removed_packages,
        os_release,
    };
    Ok((image, merged))
}

fn image_layers(
    positions: &[usize],
    diff_ids: &[String],
    history: &[HistoryStep],
    per_layer_hist: &[Option<usize>],
    merged: &Merged,
) -> Vec<ImageLayer> {
    positions
        .iter()
        .enumerate()
        .map(|(pos, &li)| {
            let h = per_layer_hist.get(pos).copied().flatten();
            ImageLayer {
                layer: li,
                diff_id: diff_ids.get(pos).cloned(),
                created_by: h.and_then(|h| history.get(h)).and_then(|s| s.created_by.clone()),
                history: h,
                changes: merged.changes.get(pos).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

impl Layers<'_> {
    /// The report layer of member `member`, made the first time an image needs it.
    fn layer(
        &mut self,
        member: usize,
        digest: Option<String>,
        media_type: Option<String>,
        diff_id: Option<String>,
        warnings: &mut Vec<Warning>,
    ) -> Result<usize, ImageError> {
        let bi = self.blob_of(member, warnings)?;
        if let Some(&li) = self.blob_layer.get(&bi) {
            return Ok(li);
        }
        let blob = self.blobs.get_mut(bi).ok_or_else(|| ImageError::NotFound { what: "blob".into() })?;
        if blob.not_tar {
            return Err(not_a_tar(blob));
        }
        let li = self.report.len();
        layer_warnings(blob, warnings);
        let mut aliases: Vec<String> = self
            .members
            .iter()
            .filter(|a| a.typeflag == typeflag::SYMLINK && self.resolver.resolve(&a.path) == Some(blob.member))
            .map(|a| a.path.clone())
            .collect();
        aliases.sort();
        self.report.push(LayerReport {
            index: li,
            member: blob.path.clone(),
            aliases,
            digest: digest.or_else(|| config::digest_from_member(&blob.path)),
            diff_id,
            media_type,
            compression: blob.compression,
            compressed_size: blob.size,
            uncompressed_size: blob.index.uncompressed_size,
            entry_count: blob.index.entries.len() as u64,
            counts: blob.index.counts.clone(),
            images: Vec::new(),
        });
        self.layer_blob.push(bi);
        self.blob_layer.insert(bi, li);
        Ok(li)
    }

    /// The blob of a layer member; a 0-byte regular member is an empty layer.
    fn blob_of(&mut self, member: usize, warnings: &mut Vec<Warning>) -> Result<usize, ImageError> {
        let m = self.members.get(member).ok_or_else(|| ImageError::NotFound { what: "layer member".into() })?;
        match m.blob {
            Some(b) => Ok(b),
            None if m.size == 0 && matches!(m.typeflag, typeflag::REG | typeflag::AREG | typeflag::CONT) => {
                // One blob (and one warning) per member: a second image using it finds this one.
                if let Some(b) = self.blobs.iter().position(|b| b.member == member) {
                    return Ok(b);
                }
                warn(warnings, "empty_layer_member", format!("layer {} is a 0-byte member; treated as an empty layer", m.path));
                self.blobs.push(Blob {
                    member,
                    path: m.path.clone(),
                    offset: m.offset,
                    size: 0,
                    compression: Compression::None,
                    index: LayerIndex::default(),
                    error: None,
                    not_tar: false,
                });
                Ok(self.blobs.len() - 1)
            }
            None => Err(ImageError::Corrupt {
                at: Position::inside(m.offset, Some(&m.path), 0),
                context: "at the start of the layer".into(),
                reason: "it is not a tar archive (nor gzip- or zstd-compressed)".into(),
            }),
        }
    }
}

/// The error of a layer member that is not a tar at all: its own error, or its damage.
fn not_a_tar(blob: &mut Blob) -> ImageError {
    if let Some(e) = blob.error.take() {
        return e;
    }
    match &blob.index.damage {
        Some(d) => ImageError::Corrupt {
            at: d.at.clone(),
            context: "at the start of the layer".into(),
            reason: format!("it is not a tar archive: {}", d.what),
        },
        None => ImageError::Corrupt {
            at: Position::inside(blob.offset, Some(&blob.path), 0),
            context: "at the start of the layer".into(),
            reason: "it is not a tar archive".into(),
        },
    }
}

/// Warnings for a layer that was read with damage.
fn layer_warnings(blob: &Blob, warnings: &mut Vec<Warning>) {
    if let Some(d) = &blob.index.damage {
        warnings.push(Warning {
            code: "damaged_layer".into(),
            message: format!("layer {} is damaged at {}: {}; its listing is partial", blob.path, d.at.in_member(), d.what),
            position: Some(d.at.clone()),
        });
    }
    if let Some(d) = &blob.index.stream_damage {
        warnings.push(Warning {
            code: "damaged_layer".into(),
            message: format!(
                "layer {} is damaged after the end of its tar ({}): its listing is whole, but its data cannot be trusted",
                blob.path, d.what
            ),
            position: Some(d.at.clone()),
        });
    }
    if let Some(e) = &blob.error {
        warnings.push(Warning {
            code: "damaged_layer".into(),
            message: format!("layer {} could not be read: {e}", blob.path),
            position: e.position().cloned(),
        });
    }
}

/// A warning for every blob of an OCI layout no manifest refers to.
fn unreferenced(members: &[Member], referenced: &std::collections::BTreeSet<usize>) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if m.path.starts_with("blobs/")
            && matches!(m.typeflag, typeflag::REG | typeflag::AREG | typeflag::CONT)
            && !referenced.contains(&i)
        {
            warn(
                &mut warnings,
                "unreferenced_blob",
                format!("blob {} ({} bytes) is not referenced by any manifest that was read", m.path, m.size),
            );
        }
    }
    warnings
}
