// Package sqldir keeps authflow's users, user pools and app clients in a SQL
// database: [SQL] implements flow.Directory and flow.Catalog with the
// contract of package directory, on SQLite or PostgreSQL.
//
// sqldir registers no database driver. Open a SQL with package
// directory/sqlitedir (modernc.org/sqlite) or directory/postgresdir
// (github.com/jackc/pgx/v5), which each link their own driver, or call [New]
// on a *sql.DB opened with a driver of your choice.
package sqldir
