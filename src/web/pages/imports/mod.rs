//! CSV imports (admins): the upload forms and recent jobs, the upload
//! itself, a job's preview and progress page, and "Import".

mod apply;
mod list;
mod show;
mod upload;

/// Every route of the import pages.
pub fn routes() -> Vec<rocket::Route> {
    let mut routes = list::routes();
    routes.extend(upload::routes());
    routes.extend(show::routes());
    routes.extend(apply::routes());
    routes
}
